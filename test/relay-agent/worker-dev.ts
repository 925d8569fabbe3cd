/**
 * @module A private `wrangler dev` that can be stopped and started again on the same port with the
 * same persisted state (D1, Durable Object storage), as a Worker restart or redeploy looks to a relay
 * agent. test/clients/server.ts is the one-shot variant; this reuses its pieces (wrangler's env, free
 * ports, migrations) and adds `restart`.
 *
 * Erasable TypeScript only, so `node` runs it directly (the benchmark imports it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, REPO_ROOT, runWrangler, wranglerEnv } from "../clients/server.ts";

const WRANGLER_JS = path.join(REPO_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const LOG_LIMIT = 256 * 1024;

export interface RestartableDev {
	readonly origin: string;
	readonly apiUrl: string;
	readonly port: number;
	readonly adminPassword: string;
	readonly persistTo: string;
	/**
	 * The workerd processes under wrangler now (for CPU sampling): wrangler dev runs two, an entry
	 * proxy on the public port and the one that runs the Worker and its Durable Objects.
	 */
	workerdPids(): Promise<number[]>;
	/** Stops wrangler and workerd; the state directory stays. */
	stop(): Promise<void>;
	/** Starts wrangler dev again on the same port and state; resolves when /health answers. */
	start(): Promise<void>;
	log(): string;
	/** Stops and removes the state. Safe to call twice. */
	dispose(): Promise<void>;
}

export interface RestartableDevOptions {
	/** Extra Worker vars for the env file, e.g. LOCAL_RELAY_SECRET. */
	vars?: Record<string, string>;
	startTimeoutMs?: number;
	verbose?: boolean;
}

const running = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

/** Children of `pid` (from /proc), for finding workerd under wrangler. */
async function descendants(pid: number): Promise<{ pid: number; comm: string }[]> {
	const { readdir, readFile } = await import("node:fs/promises");
	const parents = new Map<number, number[]>();
	const names = new Map<number, string>();
	for (const entry of await readdir("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = await readFile(`/proc/${entry}/stat`, "utf8");
			const close = stat.lastIndexOf(")");
			const comm = stat.slice(stat.indexOf("(") + 1, close);
			const ppid = Number(stat.slice(close + 2).split(" ")[1]);
			names.set(Number(entry), comm);
			parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
		} catch {
			// The process ended while we looked.
		}
	}
	const out: { pid: number; comm: string }[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const next = queue.shift() as number;
		for (const child of parents.get(next) ?? []) {
			out.push({ pid: child, comm: names.get(child) ?? "" });
			queue.push(child);
		}
	}
	return out;
}

export async function startRestartableDev(options: RestartableDevOptions = {}): Promise<RestartableDev> {
	const adminPassword = `pw-${randomBytes(12).toString("hex")}`;
	const dir = await mkdtemp(path.join(tmpdir(), "flarestack-relay-dev-"));
	const persistTo = path.join(dir, "state");
	const envFile = path.join(dir, "secrets.env");
	const vars = { ADMIN_PASSWORD: adminPassword, SECRET_KEK: randomBytes(32).toString("base64"), ...options.vars };
	await writeFile(
		envFile,
		Object.entries(vars)
			.map(([k, v]) => `${k}=${v}\n`)
			.join(""),
		{ mode: 0o600 },
	);
	const env = wranglerEnv();
	const verbose = options.verbose ?? process.env.FLARESTACK_DEV_LOG === "1";
	await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { env });
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	let child: ChildProcess | undefined;
	let output = "";

	if (!hooked) {
		hooked = true;
		process.on("exit", () => {
			for (const c of running) killGroup(c, "SIGKILL");
		});
	}

	const stop = async () => {
		const proc = child;
		child = undefined;
		if (!proc) return;
		running.delete(proc);
		if (proc.exitCode === null && proc.signalCode === null) {
			const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
			killGroup(proc, "SIGTERM");
			const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 5_000);
			await exited;
			clearTimeout(timer);
		}
		killGroup(proc, "SIGKILL");
	};

	const start = async () => {
		if (child) return;
		const inspectorPort = await freePort();
		const proc = spawn(
			process.execPath,
			[
				WRANGLER_JS,
				"dev",
				"--ip",
				"127.0.0.1",
				"--port",
				String(port),
				"--inspector-port",
				String(inspectorPort),
				"--persist-to",
				persistTo,
				"--env-file",
				envFile,
				"--show-interactive-dev-session=false",
				"--log-level",
				verbose ? "log" : "warn",
			],
			{ cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
		);
		child = proc;
		running.add(proc);
		const collect = (chunk: Buffer) => {
			output = (output + chunk.toString()).slice(-LOG_LIMIT);
			if (verbose) process.stderr.write(chunk);
		};
		proc.stdout?.on("data", collect);
		proc.stderr?.on("data", collect);
		const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
		while (Date.now() < deadline) {
			if (proc.exitCode !== null || proc.signalCode !== null) {
				throw new Error(`wrangler dev exited before /health answered:\n${output.slice(-8000)}`);
			}
			try {
				const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2_000) });
				if (res.ok) return;
			} catch {
				// Not listening yet.
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		throw new Error(`wrangler dev did not answer /health in time:\n${output.slice(-8000)}`);
	};

	try {
		await start();
	} catch (error) {
		await stop();
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		origin,
		apiUrl: `${origin}/client/api`,
		port,
		adminPassword,
		persistTo,
		workerdPids: async () => {
			const pid = child?.pid;
			if (pid === undefined) return [];
			return (await descendants(pid)).filter((p) => p.comm === "workerd").map((p) => p.pid);
		},
		stop,
		start,
		log: () => output,
		dispose: async () => {
			await stop();
			await rm(dir, { recursive: true, force: true });
		},
	};
}
