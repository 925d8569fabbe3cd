/**
 * @module The real relay agent as a child process (`node relay-agent/bin/flarestack-relay.js …`),
 * for tests and the benchmark that run it against a `wrangler dev`: enrol, run, read its JSON log
 * lines (stderr, one object per line), wait for one, kill it. Erasable TypeScript only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../clients/server.ts";

export const AGENT_BIN = path.join(REPO_ROOT, "relay-agent", "bin", "flarestack-relay.js");

// biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON objects
export type LogLine = Record<string, any>;

export interface AgentProcess {
	readonly pid: number;
	readonly child: ChildProcess;
	/** Every JSON log line so far, oldest first. */
	readonly lines: LogLine[];
	/** When each of `lines` arrived here (Date.now()), same index. */
	readonly times: number[];
	/** Raw stdout and non-JSON stderr, for error messages. */
	output(): string;
	/** Resolves with the exit code (or 128+n for a signal) once the process ends. */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** The first log line (from index `from`) for which `match` holds; rejects after `ms`. */
	waitFor(what: string, match: (line: LogLine) => boolean, ms?: number, from?: number): Promise<LogLine>;
	kill(signal?: NodeJS.Signals): void;
	alive(): boolean;
}

const live = new Set<ChildProcess>();
let hooked = false;

/** Starts the agent with `args` (e.g. `["run", "--config", file]`). */
export function spawnAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
	const child = spawn(process.execPath, [AGENT_BIN, ...args], {
		cwd: REPO_ROOT,
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	if (!hooked) {
		hooked = true;
		process.on("exit", () => {
			for (const c of live) c.kill("SIGKILL");
		});
	}
	live.add(child);
	const lines: LogLine[] = [];
	const times: number[] = [];
	let raw = "";
	let partial = "";
	const verbose = process.env.FLARESTACK_AGENT_LOG === "1";
	child.stdout?.on("data", (chunk: Buffer) => {
		raw = (raw + chunk.toString()).slice(-64 * 1024);
	});
	child.stderr?.on("data", (chunk: Buffer) => {
		if (verbose) process.stderr.write(chunk);
		partial += chunk.toString();
		const parts = partial.split("\n");
		partial = parts.pop() ?? "";
		for (const text of parts) {
			if (!text.trim()) continue;
			try {
				const parsed = JSON.parse(text);
				if (parsed && typeof parsed === "object") {
					lines.push(parsed);
					times.push(Date.now());
					continue;
				}
			} catch {
				// Not a log line.
			}
			raw = `${raw}${text}\n`.slice(-64 * 1024);
		}
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.on("exit", (code, signal) => {
			live.delete(child);
			resolve({ code, signal });
		});
	});
	const alive = () => child.exitCode === null && child.signalCode === null;
	return {
		pid: child.pid ?? -1,
		child,
		lines,
		times,
		output: () =>
			`${raw}${lines
				.slice(-40)
				.map((l) => JSON.stringify(l))
				.join("\n")}`,
		exited,
		alive,
		kill: (signal = "SIGTERM") => {
			if (alive()) child.kill(signal);
		},
		waitFor: async (what, match, ms = 30_000, from = 0) => {
			const deadline = Date.now() + ms;
			for (;;) {
				for (let i = from; i < lines.length; i++) if (match(lines[i] as LogLine)) return lines[i] as LogLine;
				if (Date.now() > deadline || !alive()) {
					throw new Error(
						`agent ${alive() ? "did not log" : "exited before logging"} ${what} within ${ms} ms; its output:\n${`${raw}${lines
							.slice(-40)
							.map((l) => JSON.stringify(l))
							.join("\n")}`.slice(-6000)}`,
					);
				}
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
		},
	};
}

export interface EnrolResult {
	code: number | null;
	output: string;
	configFile: string;
}

/**
 * `flarestack-relay enroll --url … --token … --name … --config <dir>/flarestack-relay.json`, then
 * sets the config's driver (the simulator for sim:// hosts) and a debug log level.
 */
export async function enrolAgent(
	dir: string,
	url: string,
	token: string,
	name: string,
	driver: "simulator" | "libvirt" = "simulator",
): Promise<EnrolResult> {
	const configFile = path.join(dir, "flarestack-relay.json");
	const agent = spawnAgent(["enroll", "--url", url, "--token", token, "--name", name, "--config", configFile]);
	const timer = setTimeout(() => agent.kill("SIGKILL"), 60_000);
	const { code } = await agent.exited;
	clearTimeout(timer);
	const output = `${agent.output()}\n${agent.lines.map((l) => JSON.stringify(l)).join("\n")}`;
	if (code === 0) {
		const config = JSON.parse(await readFile(configFile, "utf8"));
		await writeFile(configFile, `${JSON.stringify({ ...config, driver, logLevel: "debug" }, null, "\t")}\n`);
	}
	return { code, output, configFile };
}

/** Runs `flarestack-relay run --config file`. */
export function runAgent(configFile: string, env: Record<string, string> = {}): AgentProcess {
	return spawnAgent(["run", "--config", configFile], env);
}

/** Is this log line the agent taking a role (`ready`), optionally a given one? */
export function isReady(line: LogLine, role?: "active" | "standby"): boolean {
	const text = `${line.msg ?? ""}`;
	if (!/ready|active|standby|promot/i.test(text) && line.role === undefined) return false;
	if (role === undefined) return line.role !== undefined || /ready/i.test(text);
	return line.role === role || new RegExp(role, "i").test(text);
}

/** CPU time (user + system, in clock ticks of 10 ms) of a process so far, from /proc/<pid>/stat. */
export async function cpuTicks(pid: number): Promise<number> {
	const stat = await readFile(`/proc/${pid}/stat`, "utf8");
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	// After the command: state(0) ppid(1) … utime(11) stime(12).
	return Number(fields[11]) + Number(fields[12]);
}
