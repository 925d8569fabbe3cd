/**
 * @module A private `wrangler dev` for tests and benchmarks that talk to the Worker over real
 * HTTP: its own temporary D1 state (`--persist-to`), migrations applied there, a free loopback
 * port, fixed test secrets from a temporary env file (so a developer's `.dev.vars` is never read),
 * and a stop that kills the whole process group (wrangler plus its workerd child).
 *
 * Runs on plain Node ≥ 22 (vitest, or `node` directly thanks to type stripping), so it must stay
 * erasable TypeScript: no enums, namespaces or parameter properties.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The repository root (this file lives in test/clients/). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

const WRANGLER_JS = path.join(REPO_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
/** How much of wrangler's output is kept for error messages. */
const LOG_LIMIT = 64 * 1024;

export interface DevServerOptions {
	/** Initial password of `admin`; random unless given. */
	adminPassword?: string;
	/** Base64 key-encryption key; random unless given. */
	secretKek?: string;
	/** How long to wait for `/health`, in ms. */
	startTimeoutMs?: number;
	/** Echo wrangler's output to this process's stderr (also on when FLARESTACK_DEV_LOG=1). */
	verbose?: boolean;
}

export interface DevServer {
	/** e.g. http://127.0.0.1:41234 */
	readonly origin: string;
	/** e.g. http://127.0.0.1:41234/client/api */
	readonly apiUrl: string;
	readonly port: number;
	readonly adminPassword: string;
	/** The temporary persistence directory (D1 state), for `wrangler d1 execute --persist-to`. */
	readonly persistTo: string;
	/** Runs a wrangler command against this server's local D1 state, e.g. `["d1", "execute", …]`. */
	wrangler(args: string[], timeoutMs?: number): Promise<string>;
	/** wrangler's recent output, for diagnostics. */
	log(): string;
	/** Kills wrangler and workerd and removes the temporary directory. Safe to call twice. */
	stop(): Promise<void>;
}

/** The environment every wrangler invocation gets: offline, quiet, no colours. */
export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		WRANGLER_HIDE_BANNER: "true",
		FORCE_COLOR: "0",
		NO_COLOR: "1",
		CI: process.env.CI ?? "true",
		...extra,
	};
	// vitest sets NODE_ENV=test; the dev server should behave as it does for a developer.
	delete env.NODE_ENV;
	return env;
}

/**
 * A port that was free a moment ago on 127.0.0.1, below Linux's ephemeral range (32768+): a server
 * restarted on it cannot find it taken by an outgoing connection, such as an agent reconnecting
 * to it, which may be given that very port as its own (a TCP self-connect).
 */
export async function freePort(): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		const port = 20_000 + Math.floor(Math.random() * 12_000);
		try {
			return await new Promise<number>((resolve, reject) => {
				const server = createServer();
				server.unref();
				server.on("error", reject);
				server.listen(port, "127.0.0.1", () => server.close(() => resolve(port)));
			});
		} catch (error) {
			if (attempt >= 50) throw error;
		}
	}
}

function tail(text: string): string {
	return text.length > LOG_LIMIT ? text.slice(-LOG_LIMIT) : text;
}

/** Runs wrangler to completion; rejects with its output when it fails. */
export function runWrangler(
	args: string[],
	options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
			cwd: REPO_ROOT,
			env: options.env ?? wranglerEnv(),
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		});
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => {
			output = tail(output + chunk.toString());
		});
		child.stderr.on("data", (chunk: Buffer) => {
			output = tail(output + chunk.toString());
		});
		const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.timeoutMs ?? 120_000);
		child.on("error", (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(output);
			else reject(new Error(`wrangler ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output}`));
		});
	});
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// The group is already gone.
	}
}

// Servers still running when this process exits (a crashed test run) are killed synchronously.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on("exit", () => {
		for (const child of running) killGroup(child, "SIGKILL");
	});
}

async function waitForHealth(origin: string, child: ChildProcess, deadline: number, log: () => string): Promise<void> {
	let lastError = "";
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`wrangler dev exited (${child.signalCode ?? `exit ${child.exitCode}`}) before /health answered:\n${log()}`,
			);
		}
		try {
			const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2_000) });
			if (res.ok) return;
			lastError = `HTTP ${res.status}`;
		} catch (error) {
			lastError = String(error);
		}
		await new Promise((resolve) => setTimeout(resolve, 150));
	}
	throw new Error(`wrangler dev did not answer /health in time (${lastError}):\n${log()}`);
}

export interface WranglerDevOptions {
	port: number;
	persistTo: string;
	envFile: string;
	env: NodeJS.ProcessEnv;
	verbose: boolean;
	startTimeoutMs?: number;
}

/** A `wrangler dev` child in its own process group, with the tail of its output. */
export interface WranglerDevProcess {
	readonly proc: ChildProcess;
	log(): string;
}

/**
 * Spawns `wrangler dev` on 127.0.0.1:`port` with the given state and env file and waits for
 * `/health`; on failure the process group is stopped and the error carries wrangler's output.
 */
export async function spawnWranglerDev(options: WranglerDevOptions): Promise<WranglerDevProcess> {
	// wrangler refuses to start without the [assets] directory; API tests do not need the console
	// built (`npm run build:console`), only the directory to exist.
	await mkdir(path.join(REPO_ROOT, "worker", "console", "dist"), { recursive: true });
	const inspectorPort = await freePort();
	const proc = spawn(
		process.execPath,
		[
			WRANGLER_JS,
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(options.port),
			"--inspector-port",
			String(inspectorPort),
			"--persist-to",
			options.persistTo,
			"--env-file",
			options.envFile,
			"--show-interactive-dev-session=false",
			"--log-level",
			options.verbose ? "log" : "warn",
		],
		{ cwd: REPO_ROOT, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	installExitHook();
	running.add(proc);
	let output = "";
	const log = () => output;
	const collect = (chunk: Buffer) => {
		output = tail(output + chunk.toString());
		if (options.verbose) process.stderr.write(chunk);
	};
	proc.stdout?.on("data", collect);
	proc.stderr?.on("data", collect);
	try {
		const origin = `http://127.0.0.1:${options.port}`;
		await waitForHealth(origin, proc, Date.now() + (options.startTimeoutMs ?? 90_000), log);
	} catch (error) {
		await stopWranglerDev(proc);
		throw error;
	}
	return { proc, log };
}

/** Stops a `wrangler dev` group: SIGTERM, SIGKILL after 5 s, and SIGKILL for a workerd left behind. */
export async function stopWranglerDev(proc: ChildProcess): Promise<void> {
	running.delete(proc);
	if (proc.exitCode === null && proc.signalCode === null) {
		const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
		killGroup(proc, "SIGTERM");
		const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 5_000);
		await exited;
		clearTimeout(timer);
	}
	killGroup(proc, "SIGKILL");
}

/** Starts a private `wrangler dev` with fresh state and waits until `/health` answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
	const adminPassword = options.adminPassword ?? `pw-${randomBytes(12).toString("hex")}`;
	const secretKek = options.secretKek ?? randomBytes(32).toString("base64");
	const verbose = options.verbose ?? process.env.FLARESTACK_DEV_LOG === "1";
	const dir = await mkdtemp(path.join(tmpdir(), "flarestack-dev-"));
	const persistTo = path.join(dir, "state");
	const envFile = path.join(dir, "secrets.env");
	await writeFile(envFile, `ADMIN_PASSWORD=${adminPassword}\nSECRET_KEK=${secretKek}\n`, { mode: 0o600 });
	const env = wranglerEnv();

	let dev: WranglerDevProcess | undefined;
	const log = () => dev?.log() ?? "";
	const stop = async () => {
		if (dev) await stopWranglerDev(dev.proc);
		await rm(dir, { recursive: true, force: true });
	};

	try {
		await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { env });
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		dev = await spawnWranglerDev({ port, persistTo, envFile, env, verbose, startTimeoutMs: options.startTimeoutMs });
		return {
			origin,
			apiUrl: `${origin}/client/api`,
			port,
			adminPassword,
			persistTo,
			wrangler: (args, timeoutMs) => runWrangler(args, { env, timeoutMs }),
			log,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
