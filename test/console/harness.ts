/**
 * @module What the console's browser test runs against: a fresh private `wrangler dev` serving the
 * built console (worker/console/dist/client), a local relay agent on the simulator started the way
 * `npm start` starts it (`run --local`, enrolling itself into the first zone the wizard creates),
 * an image server with a small qcow2 for registerTemplate, a webhook receiver recording POSTs, and
 * headless Debian Chromium through playwright-core with a fresh profile. Node-side API calls (for
 * what the console has no page for, and to check what the page claims) use a session of their own.
 * Erasable TypeScript only, so the benchmark can import it too.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { login, type Session, sessionCall, unwrap } from "../clients/api.ts";
import { REPO_ROOT } from "../clients/server.ts";
import { type ImageServer, startImageServer } from "../e2e/image-server.ts";
import { randomQcow2 } from "../e2e/images.ts";
import { type AgentProcess, spawnAgent } from "../relay-agent/worker-agent.ts";
import { type RestartableDev, startRestartableDev } from "../relay-agent/worker-dev.ts";

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
export type Json = Record<string, any>;

export const CONSOLE_DIST = path.join(REPO_ROOT, "worker", "console", "dist", "client");
export const SHOTS_DIR = path.join(REPO_ROOT, "test-results", "console");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Chromium as root in a container: no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
];

/** Fails with the fix when the console was not built (the Worker would answer 404 at /client/). */
export function assertConsoleBuilt(): void {
	if (!existsSync(path.join(CONSOLE_DIST, "index.html"))) {
		throw new Error(
			`${path.relative(REPO_ROOT, CONSOLE_DIST)}/index.html is missing: run npm run build:console (the Worker serves the built console)`,
		);
	}
}

export interface Hit {
	path: string;
	headers: Record<string, string>;
	body: string;
	at: number;
}

export interface Receiver {
	/** e.g. http://127.0.0.1:40123 */
	readonly origin: string;
	readonly hits: Hit[];
	close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers 200 "ok". */
export async function startReceiver(): Promise<Receiver> {
	const hits: Hit[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			hits.push({
				path: (req.url ?? "/").split("?")[0] ?? "/",
				headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
				body: Buffer.concat(chunks).toString("utf8"),
				at: Date.now(),
			});
			res.end("ok");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hits,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Headless Chromium with a fresh profile (its own temporary user-data dir) and one page. */
export async function launchBrowser(userDataDir: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1280, height: 900 },
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return { context, page };
}

export interface ConsoleHarness {
	dev: RestartableDev;
	agent: AgentProcess;
	images: ImageServer;
	/** The qcow2 the template step registers (served by `images`). */
	templateUrl: string;
	receiver: Receiver;
	context: BrowserContext;
	page: Page;
	/** The console's address, e.g. http://127.0.0.1:28951/client/ */
	consoleUrl: string;
	/** admin's password now (the wizard changes it: set this when it does). */
	adminPassword: string;
	/** Uncaught errors in the page (pageerror), in order. */
	pageErrors: string[];
	/** console.error lines of the page, for diagnostics. */
	consoleErrors: string[];
	/** A Node-side API call as admin (its own session, logged in again on 401). */
	api(command: string, params?: Record<string, string>): Promise<Json>;
	/** Saves a full-page screenshot to test-results/console/<name>.png. */
	shot(name: string): Promise<string>;
	dispose(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
	assertConsoleBuilt();
	const work = await mkdtemp(path.join(tmpdir(), "flarestack-console-"));
	const cleanups: (() => Promise<unknown> | unknown)[] = [() => rm(work, { recursive: true, force: true })];
	const dispose = async () => {
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch {
				// Keep tearing down the rest.
			}
		}
		cleanups.length = 0;
	};
	try {
		await mkdir(SHOTS_DIR, { recursive: true });
		const secret = randomBytes(32).toString("base64url");
		const dev = await startRestartableDev({ vars: { LOCAL_RELAY_SECRET: secret } });
		cleanups.push(() => dev.dispose());

		let session: Session | undefined;
		const harness = {
			dev,
			adminPassword: dev.adminPassword,
		} as ConsoleHarness;
		const api = async (command: string, params: Record<string, string> = {}, again = true): Promise<Json> => {
			session ??= await login(dev.apiUrl, "admin", harness.adminPassword);
			const result = await sessionCall(dev.apiUrl, session, command, params);
			const inner = result.body[`${command.toLowerCase()}response`] as Json | undefined;
			if (again && (result.status === 401 || inner?.errorcode === 401)) {
				session = undefined;
				return api(command, params, false);
			}
			return unwrap(result, command) as Json;
		};
		harness.api = api;
		// The receiver is on loopback, which webhook deliveries refuse unless allowed.
		await api("updateConfiguration", { name: "webhook.payload.url.allowed.cidrs", value: "127.0.0.1/32" });
		await api("updateConfiguration", { name: "webhook.delivery.retry.base", value: "1" });

		// As scripts/start.mjs runs it: enrols itself into the first zone created, retrying until then.
		const agent = spawnAgent(
			["run", "--local", "--config", path.join(work, "relay.json"), "--url", dev.origin, "--driver", "simulator"],
			{ FLARESTACK_LOCAL_RELAY_SECRET: secret },
		);
		cleanups.push(async () => {
			agent.kill("SIGKILL");
			await agent.exited;
		});

		const images = await startImageServer();
		cleanups.push(() => images.close());
		const qcow2 = path.join(work, "console.qcow2");
		await randomQcow2(qcow2, 32 << 20, 1 << 20);
		images.add("console.qcow2", qcow2);

		const receiver = await startReceiver();
		cleanups.push(() => receiver.close());

		const { context, page } = await launchBrowser(path.join(work, "chromium-profile"));
		cleanups.push(() => context.close());
		const pageErrors: string[] = [];
		const consoleErrors: string[] = [];
		page.on("pageerror", (error) => pageErrors.push(error.message));
		page.on("console", (message) => {
			if (message.type() === "error") consoleErrors.push(message.text());
		});
		page.setDefaultTimeout(15_000);

		return Object.assign(harness, {
			agent,
			images,
			templateUrl: images.url("console.qcow2"),
			receiver,
			context,
			page,
			consoleUrl: `${dev.origin}/client/`,
			pageErrors,
			consoleErrors,
			shot: async (name: string) => {
				const file = path.join(SHOTS_DIR, `${name}.png`);
				await page.screenshot({ path: file, fullPage: true });
				return file;
			},
			dispose,
		});
	} catch (error) {
		await dispose();
		throw error;
	}
}
