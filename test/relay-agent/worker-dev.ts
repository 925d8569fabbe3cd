/**
 * @module A private `wrangler dev` that can be stopped and started again on the same port with the
 * same persisted state (D1, Durable Object storage), as a Worker restart or redeploy looks to a relay
 * agent. test/clients/server.ts is the one-shot variant; this reuses its pieces (wrangler's env, free
 * ports, migrations) and adds `restart`.
 *
 * Erasable TypeScript only, so `node` runs it directly (the benchmark imports it).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
	freePort,
	runWrangler,
	spawnWranglerDev,
	stopWranglerDev,
	type WranglerDevProcess,
	wranglerEnv,
} from "../clients/server.ts";

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
	let dev: WranglerDevProcess | undefined;

	const stop = async () => {
		const current = dev;
		dev = undefined;
		if (current) await stopWranglerDev(current.proc);
	};

	const start = async () => {
		if (dev) return;
		dev = await spawnWranglerDev({ port, persistTo, envFile, env, verbose, startTimeoutMs: options.startTimeoutMs });
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
			const pid = dev?.proc.pid;
			if (pid === undefined) return [];
			return (await descendants(pid)).filter((p) => p.comm === "workerd").map((p) => p.pid);
		},
		stop,
		start,
		log: () => dev?.log() ?? "",
		dispose: async () => {
			await stop();
			await rm(dir, { recursive: true, force: true });
		},
	};
}
