/**
 * The whole agent (runAgent, and the real `flarestack-relay` process) against the fake Worker:
 * hello with the known hosts, commands run and deduplicated, host.state events, exit code 2.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Host } from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_REVOKED, runAgent } from "../../relay-agent/src/agent.ts";
import { loadConfig, writeConfig } from "../../relay-agent/src/config.ts";
import { generateIdentity, saveKey } from "../../relay-agent/src/identity.ts";
import { createLogger } from "../../relay-agent/src/log.ts";
import { readState } from "../../relay-agent/src/state.ts";
import { statusReport } from "../../relay-agent/src/status.ts";
import { type FakeWorker, startFakeWorker } from "./fake-worker.ts";

function hasVirsh(): boolean {
	try {
		execFileSync("virsh", ["--version"], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
}

const BIN = path.join(import.meta.dirname, "..", "..", "relay-agent", "bin", "flarestack-relay.js");
const RELAY = "11111111-2222-4333-8444-555555555555";
const ZONE = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const HOST = "5f0c5b1e-2d3c-4b5a-8e9f-0a1b2c3d4e5f";

let dir: string;
let fake: FakeWorker;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-agent-"));
	fake = await startFakeWorker();
});
afterEach(async () => {
	await fake.close();
	await rm(dir, { recursive: true, force: true });
});

async function site() {
	const configFile = path.join(dir, "flarestack-relay.json");
	const { privateJwk } = await generateIdentity();
	await saveKey(path.join(dir, "flarestack-relay.key.json"), privateJwk);
	await writeConfig(configFile, { url: fake.url, zoneId: ZONE, relayId: RELAY, driver: "libvirt" });
	return configFile;
}

describe("agent", () => {
	it("runs commands once, reports host state, lists its hosts in the next hello, exits 2 when revoked", async () => {
		const configFile = await site();
		const config = await loadConfig(configFile);
		const control = path.join(dir, "h1.json");
		const uri = `sim://h1?cpus=4&domains=2&control=${encodeURIComponent(control)}`;
		const logs: Record<string, unknown>[] = [];
		const controller = new AbortController();
		const running = runAgent({
			config,
			log: createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) }),
			signal: controller.signal,
			hosts: { pollMs: 50, probeTimeoutMs: 500 },
			connection: { backoff: { baseMs: 20, capMs: 50 } },
		});
		try {
			await fake.waitFor("hello", () => fake.sockets[0]?.messages()[0]?.type === "hello");
			expect(fake.sockets[0]?.messages()[0]).toMatchObject({ agentId: RELAY, hosts: [], recentCommandIds: [] });
			await fake.waitFor("ready", () => logs.some((l) => l.msg === "ready"));

			const id = crypto.randomUUID();
			const connect = {
				type: "command",
				id,
				name: "host.connect",
				args: { hostId: HOST, uri },
				deadline: Date.now() + 10_000,
			};
			fake.sockets[0]?.send(connect);
			fake.sockets[0]?.send(connect);
			const answers = () => fake.sockets.flatMap((s) => s.messages()).filter((m) => m.type === "answer");
			await fake.waitFor("answer", () => answers().length === 1);
			const answer = answers()[0] as { ok: boolean; result: unknown };
			expect(answer).toMatchObject({ id, ok: true });
			expect(Host.parse(answer.result)).toMatchObject({ id: HOST, uri, name: "h1", state: "Up", cpuCount: 4 });
			expect(logs.filter((l) => l.msg === "command start")).toHaveLength(1);

			// libvirtd "stops": a host.state Down event within a poll or two.
			await writeFile(control, JSON.stringify({ down: true, text: "libvirtd stopped" }));
			const events = () => fake.sockets.flatMap((s) => s.messages()).filter((m) => m.type === "event");
			await fake.waitFor("down event", () => events().length === 1);
			expect(events()[0]).toMatchObject({
				kind: "host.state",
				hostId: HOST,
				state: "Down",
				text: "h1: libvirtd stopped",
			});
			await writeFile(control, "{}");
			await fake.waitFor("up event", () => events().length === 2);
			expect(events()[1]).toMatchObject({ state: "Up" });

			// A new session: the hello lists the host and the command id; a resend gets the same answer.
			fake.sockets[0]?.ws.close(1012, "restart");
			await fake.waitFor("second hello", () => fake.sockets[1]?.messages()[0]?.type === "hello");
			expect(fake.sockets[1]?.messages()[0]).toMatchObject({
				hosts: [expect.objectContaining({ id: HOST, state: "Up", domains: expect.any(Array) })],
				recentCommandIds: [id],
			});
			fake.sockets[1]?.send(connect);
			await fake.waitFor("resent answer", () => answers().length === 2);
			expect(answers()[1]).toEqual(answers()[0]);
			expect(logs.filter((l) => l.msg === "command start")).toHaveLength(1);

			let report = await statusReport(config);
			for (let i = 0; i < 100 && report.link?.state !== "connected"; i++) {
				await new Promise((resolve) => setTimeout(resolve, 20)); // the state file is written in batches
				report = await statusReport(config);
			}
			expect(report).toMatchObject({ running: true, link: { state: "connected", role: "active" } });
			expect(report.hosts).toEqual([expect.objectContaining({ id: HOST, state: "Up", name: "h1" })]);

			fake.sockets[1]?.send({ type: "close", reason: "revoked", text: "deleted" });
			expect(await running).toBe(EXIT_REVOKED);
		} finally {
			controller.abort();
			await running.catch(() => {});
		}
		const { data } = await readState(config.stateFile);
		expect(data.link).toMatchObject({ state: "revoked" });
		expect(Object.keys(data.hosts)).toEqual([HOST]);
		expect(data.answers.map(([answerId]) => answerId)).toHaveLength(1);
	});

	it.skipIf(!hasVirsh())("connects a libvirt host (test:///default) through virsh", async () => {
		const config = await loadConfig(await site());
		const controller = new AbortController();
		const running = runAgent({ config, log: createLogger({ write: () => {} }), signal: controller.signal });
		try {
			await fake.waitFor("hello", () => fake.sockets[0]?.messages()[0]?.type === "hello");
			const id = crypto.randomUUID();
			fake.sockets[0]?.send({
				type: "command",
				id,
				name: "host.connect",
				args: { hostId: HOST, uri: "test:///default" },
				deadline: Date.now() + 15_000,
			});
			await fake.waitFor("answer", () => fake.sockets[0]?.messages().some((m) => m.type === "answer") ?? false, 15_000);
			const answer = fake.sockets[0]?.messages().find((m) => m.type === "answer");
			expect(answer).toMatchObject({
				id,
				ok: true,
				result: { id: HOST, uri: "test:///default", name: "vm", state: "Up", cpuCount: 16, domainType: "qemu" },
			});
		} finally {
			controller.abort();
			await running;
		}
	});

	it("stops cleanly (exit 0) on abort", async () => {
		const config = await loadConfig(await site());
		const controller = new AbortController();
		const running = runAgent({ config, log: createLogger({ write: () => {} }), signal: controller.signal });
		await fake.waitFor("hello", () => fake.sockets[0]?.messages()[0]?.type === "hello");
		controller.abort();
		expect(await running).toBe(EXIT_OK);
		expect((await readState(config.stateFile)).data.link).toMatchObject({ state: "stopped" });
	});
});

describe("flarestack-relay process", () => {
	const run = promisify(execFile);

	it("exits with code 2 on HTTP 403, logging JSON lines on stderr", async () => {
		const configFile = await site();
		fake.refuse = { status: 403, body: { error: "This relay was revoked", reason: "revoked" } };
		const child = spawn(process.execPath, [BIN, "run", "--config", configFile], { stdio: ["ignore", "pipe", "pipe"] });
		let stderr = "";
		child.stderr.on("data", (chunk) => {
			stderr += chunk;
		});
		const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
		expect(code).toBe(2);
		const lines = stderr
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line));
		expect(lines.some((l) => l.level === "error" && l.status === 403)).toBe(true);

		const { stdout } = await run(process.execPath, [BIN, "status", "--config", configFile]);
		expect(stdout).toContain(RELAY);
		expect(stdout).toMatch(/not running \(last: revoked/);
		const json = JSON.parse((await run(process.execPath, [BIN, "status", "--config", configFile, "--json"])).stdout);
		expect(json).toMatchObject({ relayId: RELAY, zoneId: ZONE, running: false, link: { state: "revoked" } });
	});

	it("exits 0 on SIGTERM and 1 without a config", async () => {
		const configFile = await site();
		const child = spawn(process.execPath, [BIN, "run", "--config", configFile], {
			stdio: ["ignore", "ignore", "pipe"],
		});
		await fake.waitFor("hello", () => fake.sockets[0]?.messages()[0]?.type === "hello", 15_000);
		child.kill("SIGTERM");
		expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(0);
		const missing = await run(process.execPath, [BIN, "run", "--config", path.join(dir, "nope.json")]).catch((e) => e);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/enroll/);
	});
});
