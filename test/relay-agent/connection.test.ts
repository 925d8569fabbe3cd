/** The agent's connection against a local `ws` server (fake-worker.ts) on 127.0.0.1. */
import { type CommandFrame, type FrameError, type HelloFrame, PING_TEXT, PROTOCOL_VERSION } from "@flarestack/protocol";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Connection, type ConnectionOptions, connectUrl, type RunOutcome } from "../../relay-agent/src/connection.ts";
import { generateIdentity, signConnectJwt } from "../../relay-agent/src/identity.ts";
import { createLogger } from "../../relay-agent/src/log.ts";
import { type FakeWorker, ready, startFakeWorker } from "./fake-worker.ts";

const RELAY = "11111111-2222-4333-8444-555555555555";
const ZONE = "66666666-7777-4888-9999-aaaaaaaaaaaa";

let fake: FakeWorker;
let connection: Connection | undefined;
let logs: Record<string, unknown>[];

beforeEach(async () => {
	fake = await startFakeWorker();
	logs = [];
});
afterEach(async () => {
	connection?.stop();
	connection = undefined;
	await fake.close();
});

async function start(overrides: Partial<ConnectionOptions> = {}) {
	const { privateJwk } = await generateIdentity();
	const { importJWK } = await import("jose");
	const key = (await importJWK(privateJwk, "EdDSA")) as CryptoKey;
	const commands: CommandFrame[] = [];
	const refused: FrameError[] = [];
	let hellos = 0;
	connection = new Connection({
		url: fake.url,
		zoneId: ZONE,
		credential: () => signConnectJwt(key, RELAY, ZONE),
		hello: (): HelloFrame => {
			hellos++;
			return {
				type: "hello",
				v: PROTOCOL_VERSION,
				agentId: RELAY,
				agentVersion: "test",
				hosts: [],
				pools: [],
				recentCommandIds: [],
			};
		},
		onCommand: (frame) => commands.push(frame),
		onRefused: (error) => refused.push(error),
		log: createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) }),
		backoff: { baseMs: 20, capMs: 60 },
		readyTimeoutMs: 2000,
		...overrides,
	});
	const outcome: Promise<RunOutcome> = connection.run();
	return { connection, outcome, commands, refused, hellos: () => hellos };
}

describe("connection", () => {
	it("builds the socket URL from the base URL", () => {
		expect(connectUrl("https://cloud.example.com/", ZONE)).toBe(
			`wss://cloud.example.com/relay/v1/connect?zoneid=${ZONE}`,
		);
		expect(connectUrl("http://127.0.0.1:8787", ZONE)).toBe(`ws://127.0.0.1:8787/relay/v1/connect?zoneid=${ZONE}`);
		expect(connectUrl("https://example.com/cloud", ZONE)).toBe(
			`wss://example.com/cloud/relay/v1/connect?zoneid=${ZONE}`,
		);
	});

	it("sends a fresh bearer JWT, hello first, then a ping every beat", async () => {
		await start();
		await fake.waitFor("three pings", () => (fake.sockets[0]?.pings() ?? 0) >= 3);
		const socket = fake.sockets[0];
		expect(socket?.messages()[0]).toMatchObject({ type: "hello", agentId: RELAY });
		expect(socket?.frames[0]).not.toBe(PING_TEXT);
		const upgrade = fake.upgrades[0];
		expect(upgrade?.url).toBe(`/relay/v1/connect?zoneid=${ZONE}`);
		const jwt = upgrade?.authorization?.replace(/^Bearer /, "") ?? "";
		expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "EdDSA", kid: RELAY });
		expect(decodeJwt(jwt)).toMatchObject({ iss: RELAY, sub: RELAY, aud: `zone:${ZONE}` });
		expect(logs.find((l) => l.msg === "ready")).toMatchObject({ role: "active" });
		// Nothing the log said may carry the JWT.
		expect(JSON.stringify(logs)).not.toContain(jwt);
		expect(connection?.role).toBe("active");
	});

	it("reconnects with backoff after the server closes, with a new JWT and a new hello", async () => {
		const { hellos } = await start();
		await fake.waitFor(
			"first session",
			() => fake.sockets[0]?.messages().length === 1 && connection?.role === "active",
		);
		fake.sockets[0]?.ws.close(1012, "restart");
		await fake.waitFor(
			"second session",
			() => fake.sockets.length === 2 && (fake.sockets[1]?.messages().length ?? 0) >= 1,
		);
		expect(fake.sockets[1]?.messages()[0]).toMatchObject({ type: "hello" });
		expect(hellos()).toBe(2);
		const [first, second] = fake.upgrades.map((u) => decodeJwt(u.authorization?.slice(7) ?? ""));
		expect(first?.jti).not.toBe(second?.jti);
		expect(logs.some((l) => l.msg === "reconnecting")).toBe(true);
	});

	it("drops a link after three beats without a pong and connects again", async () => {
		fake.pong = false;
		await start();
		await fake.waitFor("a second connection", () => fake.sockets.length >= 2, 5000);
		expect(fake.sockets[0]?.pings()).toBeGreaterThanOrEqual(2);
		expect(logs.some((l) => l.msg === "no pong from the Worker, reconnecting")).toBe(true);
	});

	it("exits (fatal) on close {revoked} and does not reconnect", async () => {
		const { outcome } = await start();
		await fake.waitFor("session", () => connection?.role === "active");
		fake.sockets[0]?.send({ type: "close", reason: "revoked", text: "relay deleted by admin" });
		await expect(outcome).resolves.toEqual({ kind: "fatal", reason: "revoked", text: "relay deleted by admin" });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(fake.upgrades).toHaveLength(1);
	});

	it("reconnects after close {replaced}, without resetting the backoff", async () => {
		await start();
		await fake.waitFor("session", () => connection?.role === "active");
		fake.sockets[0]?.send({ type: "close", reason: "replaced", text: "another socket of this relay" });
		await fake.waitFor("a second connection", () => fake.sockets.length === 2);
		await fake.waitFor("second session", () => connection?.role === "active");
		fake.sockets[1]?.send({ type: "close", reason: "replaced", text: "again" });
		await fake.waitFor("a third connection", () => fake.sockets.length === 3);
		const attempts = logs.filter((l) => l.msg === "reconnecting").map((l) => l.attempt);
		expect(attempts).toEqual([1, 2]);
	});

	it("exits (fatal) on HTTP 403 and never retries", async () => {
		fake.refuse = { status: 403, body: { error: "relay revoked", reason: "revoked" } };
		const { outcome } = await start();
		await expect(outcome).resolves.toMatchObject({ kind: "fatal", reason: "revoked" });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(fake.upgrades).toHaveLength(1);
		expect(logs.find((l) => l.level === "error")).toMatchObject({ status: 403, reason: "revoked" });
	});

	it("retries HTTP 401 with backoff and a new JWT each time, then connects", async () => {
		fake.refuse = { status: 401, body: { error: "bad credential", reason: "expired" } };
		await start();
		await fake.waitFor("three refused attempts", () => fake.upgrades.length >= 3);
		fake.refuse = undefined;
		await fake.waitFor("session", () => connection?.role === "active");
		const jtis = new Set(fake.upgrades.map((u) => decodeJwt(u.authorization?.slice(7) ?? "").jti));
		expect(jtis.size).toBe(fake.upgrades.length);
		expect(logs.filter((l) => l.status === 401 && l.reason === "expired").length).toBeGreaterThanOrEqual(3);
	});

	it("as a standby: heartbeats only; promoted to active it sends a fresh hello", async () => {
		fake.role = "standby";
		const { hellos } = await start();
		await fake.waitFor("standby pings", () => (fake.sockets[0]?.pings() ?? 0) >= 2);
		expect(connection?.role).toBe("standby");
		expect(hellos()).toBe(1);
		fake.sockets[0]?.send(ready("active"));
		await fake.waitFor(
			"second hello",
			() => fake.sockets[0]?.messages().filter((m) => m.type === "hello").length === 2,
		);
		expect(connection?.role).toBe("active");
		expect(logs.some((l) => l.msg === "promoted to active")).toBe(true);
	});

	it("hands commands on, and command frames it cannot parse (with their id) to onRefused", async () => {
		const { commands, refused } = await start();
		await fake.waitFor("session", () => connection?.role === "active");
		const id = crypto.randomUUID();
		const hostId = crypto.randomUUID();
		fake.sockets[0]?.send({ type: "command", id, name: "host.refresh", args: { hostId }, deadline: Date.now() + 5000 });
		fake.sockets[0]?.send({
			type: "command",
			id: crypto.randomUUID(),
			name: "vm.explode",
			args: {},
			deadline: Date.now() + 5000,
		});
		fake.sockets[0]?.ws.send("not json at all");
		await fake.waitFor("command and refusal", () => commands.length === 1 && refused.length === 1);
		expect(commands[0]).toMatchObject({ id, name: "host.refresh", args: { hostId } });
		expect(refused[0]?.id).toEqual(expect.any(String));
		// Garbage is dropped and logged, and the link stays up.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(fake.sockets).toHaveLength(1);
		expect(logs.some((l) => l.msg === "dropped frame" && l.reason === "not_json")).toBe(true);
	});

	it("sends frames only on an open session, and stop() ends run", async () => {
		const { outcome } = await start();
		const answer = { type: "answer", v: PROTOCOL_VERSION, id: crypto.randomUUID(), ok: true, result: {} } as const;
		expect(connection?.send(answer)).toBe(false);
		await fake.waitFor("session", () => connection?.role === "active");
		expect(connection?.send(answer)).toBe(true);
		await fake.waitFor("answer arrives", () => fake.sockets[0]?.messages().some((m) => m.type === "answer") ?? false);
		connection?.stop();
		await expect(outcome).resolves.toEqual({ kind: "stopped" });
	});
});
