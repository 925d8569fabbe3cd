/**
 * The Worker side of the site link: the `/relay/v1/connect` upgrade and its refusals, the ZoneRelay
 * session (active, standby, promotion, replacement), hello reconciliation, commands (round trip,
 * no relay, deadline, resend after a reconnect, stray answers), garbage frames, relay loss and
 * host.state events in D1, and revocation. Each test gets its own zone, so its own Durable Object.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { MAX_FRAME_BYTES } from "@flarestack/protocol";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { alerts, events, hosts } from "../../../worker/src/db/schema";
import { relayLinkFor } from "../../../worker/src/relay/link-impl";
import {
	connectFakeAgent,
	enrollFakeAgent,
	type FakeAgent,
	fakeHost,
	openRelaySocket,
	relayJwt,
	startFakeAgent,
} from "../../helpers/fake-agent";
import { buildWorld, call, ok, unique, type World } from "../../helpers/identity-fixtures";
import { createCluster, createPod, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
const link = relayLinkFor(env);
let world: World;

beforeAll(async () => {
	world = await buildWorld();
});

interface Site {
	zone: Obj;
	pod: Obj;
	cluster: Obj;
}

async function newSite(): Promise<Site> {
	const zone = await createZone(world);
	const pod = await createPod(world, zone.id);
	const cluster = await createCluster(world, pod);
	return { zone, pod, cluster };
}

/** A host row as addHost leaves it (Up), straight into D1. */
async function insertHost(site: Site, overrides: Partial<typeof hosts.$inferInsert> = {}) {
	const name = overrides.name ?? unique("kvm-");
	const row = {
		id: crypto.randomUUID(),
		name,
		zoneId: site.zone.id,
		podId: site.pod.id,
		clusterId: site.cluster.id,
		state: "Up",
		url: `sim://${name}`,
		ipAddress: name,
		created: Date.now(),
		...overrides,
	};
	await db.insert(hosts).values(row);
	return row;
}

const hostRow = (id: string) => db.select().from(hosts).where(eq(hosts.id, id)).get();

const eventsOf = (type: string, resourceId: string) =>
	db
		.select()
		.from(events)
		.where(and(eq(events.type, type), eq(events.resourceId, resourceId)));

const alertsOf = (type: number, zoneId: string) =>
	db
		.select()
		.from(alerts)
		.where(and(eq(alerts.type, type), eq(alerts.zoneId, zoneId)));

/** Polls `probe` until it returns a truthy value (webSocketClose runs after the close reaches the DO). */
async function eventually<T>(probe: () => Promise<T>, what: string, timeoutMs = 4000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

const stubOf = (zoneId: string) => env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(zoneId));

async function refusal(response: Response): Promise<{ status: number; body: Obj }> {
	return { status: response.status, body: await response.json() };
}

describe("the /relay/v1/connect upgrade", () => {
	it("refuses a request without a JWT, a malformed one, or one that is not an upgrade", async () => {
		const { zone } = await newSite();
		expect(await refusal(await openRelaySocket(zone.id, null))).toMatchObject({
			status: 401,
			body: { reason: "invalid" },
		});
		expect(await refusal(await openRelaySocket(zone.id, "not.a.jwt"))).toMatchObject({
			status: 401,
			body: { reason: "invalid", error: expect.any(String) },
		});
		const plain = await fetchPlain(`/relay/v1/connect?zoneid=${zone.id}`);
		expect(plain.status).toBe(400);
		const identity = await enrollFakeAgent(zone);
		expect((await openRelaySocket(null, await relayJwt(identity))).status).toBe(400);
	});

	it("refuses an expired JWT (401 expired) and a replayed one (401 replayed)", async () => {
		const { zone } = await newSite();
		const identity = await enrollFakeAgent(zone);
		const expired = await relayJwt(identity, { issuedAt: -600, expiresIn: -300 });
		expect(await refusal(await openRelaySocket(zone.id, expired))).toMatchObject({
			status: 401,
			body: { reason: "expired" },
		});
		const jwt = await relayJwt(identity);
		const agent = await connectFakeAgent({ ...identity, jwt });
		expect(await refusal(await openRelaySocket(zone.id, jwt))).toMatchObject({
			status: 401,
			body: { reason: "replayed" },
		});
		agent.close();
	});

	it("refuses a revoked relay (403 revoked), an unknown one (403 unknown) and another zone (401)", async () => {
		const { zone } = await newSite();
		const other = await newSite();
		const identity = await enrollFakeAgent(zone);
		const wrongZone = await relayJwt(identity, { audience: `zone:${other.zone.id}` });
		expect((await openRelaySocket(other.zone.id, wrongZone)).status).toBe(401);
		const stranger = await relayJwt(identity, { kid: crypto.randomUUID() });
		expect(await refusal(await openRelaySocket(zone.id, stranger))).toMatchObject({
			status: 403,
			body: { reason: "unknown" },
		});
		ok(await call(world.root, { command: "deleteRelay", id: identity.relayId }), "deleteRelay");
		expect(await refusal(await openRelaySocket(zone.id, await relayJwt(identity)))).toMatchObject({
			status: 403,
			body: { reason: "revoked" },
		});
	});
});

async function fetchPlain(path: string): Promise<Response> {
	const { exports } = await import("cloudflare:workers");
	return exports.default.fetch(`http://127.0.0.1${path}`);
}

describe("the session", () => {
	it("answers hello with ready (active, 5 s heartbeat) and writes RELAY.CONNECT", async () => {
		const { zone } = await newSite();
		const agent = await startFakeAgent(zone);
		expect(agent.ready).toMatchObject({ role: "active", heartbeatMs: 5000, sessionId: expect.any(String) });
		await eventually(async () => (await eventsOf("RELAY.CONNECT", agent.identity.relayId)).length === 1, "the event");
		const status = await link.status(zone.id);
		expect(status).toMatchObject({ active: { relayId: agent.identity.relayId }, standbys: 0 });
		agent.close();
	});

	it("makes a second relay a standby and promotes it when the active one closes", async () => {
		const site = await newSite();
		const host = await insertHost(site);
		const first = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: host.id, uri: host.url })] });
		const second = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: host.id, uri: host.url })] });
		expect(second.ready?.role).toBe("standby");
		expect(await link.status(site.zone.id)).toMatchObject({ active: { relayId: first.identity.relayId }, standbys: 1 });
		first.close();
		await second.waitFor((f) => f.type === "ready" && f.role === "active");
		await eventually(
			async () => (await link.status(site.zone.id)).active?.relayId === second.identity.relayId,
			"the promotion",
		);
		// A standby took over: no loss, the host stays Up, and the new active gets RELAY.CONNECT.
		await eventually(async () => (await eventsOf("RELAY.CONNECT", second.identity.relayId)).length === 1, "connect");
		expect((await hostRow(host.id))?.state).toBe("Up");
		expect(await eventsOf("RELAY.DISCONNECT", first.identity.relayId)).toHaveLength(0);
		second.close();
	});

	it("lets the same relay replace its old socket (close replaced)", async () => {
		const { zone } = await newSite();
		const identity = await enrollFakeAgent(zone);
		const old = await connectFakeAgent(identity);
		const fresh = await connectFakeAgent(identity);
		const closeFrame = await old.waitFor((f) => f.type === "close");
		expect(closeFrame).toMatchObject({ reason: "replaced" });
		await old.waitForClosed();
		expect(fresh.ready?.role).toBe("active");
		expect(await link.status(zone.id)).toMatchObject({ active: { relayId: identity.relayId }, standbys: 0 });
		expect(await eventsOf("RELAY.DISCONNECT", identity.relayId)).toHaveLength(0);
		fresh.close();
	});
});

describe("hello reconciliation", () => {
	it("connects D1 hosts the agent lacks, disconnects hosts D1 lacks, and applies the facts of the rest", async () => {
		const site = await newSite();
		const missing = await insertHost(site);
		const known = await insertHost(site, { state: "Disconnected" });
		const stranger = fakeHost();
		const reported = fakeHost({ id: known.id, uri: known.url, cpuCount: 32, cpuMhz: 3000, domainType: "kvm" });
		const agent = await startFakeAgent(site.zone, { hosts: [reported, stranger] });

		const connect = await agent.waitForCommand("host.connect");
		expect(connect.args).toEqual({ hostId: missing.id, uri: missing.url });
		const disconnect = await agent.waitForCommand("host.disconnect");
		expect(disconnect.args).toEqual({ hostId: stranger.id });

		expect(await hostRow(known.id)).toMatchObject({ state: "Up", cpuNumber: 32, cpuSpeed: 3000, domainType: "kvm" });
		expect(await eventsOf("HOST.UP", known.id)).toHaveLength(1);
		// The answer to host.connect lands in D1 by itself.
		await eventually(async () => (await hostRow(missing.id))?.cpuNumber === 8, "host.connect applied");
		expect((await hostRow(missing.id))?.lastPinged).toBeTypeOf("number");
		agent.close();
	});
});

describe("commands", () => {
	it("round-trips a call and validates the result", async () => {
		const site = await newSite();
		const row = await insertHost(site);
		const agent = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: row.id, uri: row.url, cpuCount: 4 })] });
		const outcome = await link.call(site.zone.id, "host.refresh", { hostId: row.id });
		expect(outcome).toMatchObject({ ok: true, result: { id: row.id, cpuCount: 4 } });
		expect((await hostRow(row.id))?.cpuNumber).toBe(4);

		agent.onCommand = (frame) => ({ ok: true, result: { id: frame.id, nonsense: true } });
		const bad = await link.call(site.zone.id, "host.refresh", { hostId: row.id });
		expect(bad).toMatchObject({ ok: false, code: "failed" });

		agent.onCommand = () => ({ ok: false, error: { code: "unreachable", text: "Cannot reach libvirtd" } });
		const refused = await link.call(site.zone.id, "host.refresh", { hostId: row.id });
		expect(refused).toEqual({ ok: false, code: "unreachable", text: "Cannot reach libvirtd" });
		agent.close();
	});

	it("answers no_relay at once when the zone has no agent", async () => {
		const { zone } = await newSite();
		const outcome = await link.call(zone.id, "host.refresh", { hostId: crypto.randomUUID() });
		expect(outcome).toEqual({ ok: false, code: "no_relay", text: `Zone ${zone.name} has no connected relay agent` });
	});

	it("fails a command at its deadline (the alarm), even with the agent connected", async () => {
		const { zone } = await newSite();
		const agent = await startFakeAgent(zone, { onCommand: () => "ignore" });
		const outcome = link.call(zone.id, "host.refresh", { hostId: crypto.randomUUID() }, 1000);
		await agent.waitForCommand("host.refresh");
		await new Promise((r) => setTimeout(r, 1050));
		await runDurableObjectAlarm(stubOf(zone.id));
		expect(await outcome).toEqual({
			ok: false,
			code: "deadline",
			text: "The relay agent did not answer host.refresh within 1 s",
		});
		agent.close();
	});

	it("resends an unanswered command with the same id after a reconnect", async () => {
		const site = await newSite();
		const row = await insertHost(site);
		const identity = await enrollFakeAgent(site.zone);
		const hosts = [fakeHost({ id: row.id, uri: row.url })];
		const first = await connectFakeAgent({ ...identity, hosts, onCommand: () => "ignore" });
		const outcome = link.call(site.zone.id, "host.refresh", { hostId: row.id }, 10_000);
		const sent = await first.waitForCommand("host.refresh");
		first.close();
		await first.waitForClosed();
		const second = await connectFakeAgent({ ...identity, hosts });
		const resent = await second.waitForCommand("host.refresh");
		expect(resent.id).toBe(sent.id);
		expect(await outcome).toMatchObject({ ok: true, result: { id: row.id } });
		second.close();
	});

	it("ignores answers for ids it never sent, and garbage frames, and keeps working", async () => {
		const site = await newSite();
		const row = await insertHost(site);
		const agent = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: row.id, uri: row.url })] });
		agent.answer(crypto.randomUUID(), { ok: true, result: {} });
		agent.sendRaw("not json at all");
		agent.sendRaw("{}");
		agent.sendRaw(JSON.stringify({ type: "ready", v: 1 }));
		agent.sendRaw(JSON.stringify({ type: "answer", v: 1, id: "nope", ok: true }));
		agent.sendRaw(new TextEncoder().encode("binary").buffer as ArrayBuffer);
		agent.sendRaw(`"${"x".repeat(MAX_FRAME_BYTES)}"`);
		const outcome = await link.call(site.zone.id, "host.refresh", { hostId: row.id });
		expect(outcome.ok).toBe(true);
		expect(agent.closed).toBeNull();
		expect(agent.garbage).toEqual([]);
		agent.close();
	});
});

describe("relay loss and host state in D1", () => {
	it("marks Up hosts Disconnected with RELAY.DISCONNECT, alert 100 and host alerts when the agent goes", async () => {
		const site = await newSite();
		const up = await insertHost(site);
		const down = await insertHost(site, { state: "Down" });
		const agent = await startFakeAgent(site.zone, {
			hosts: [fakeHost({ id: up.id, uri: up.url }), fakeHost({ id: down.id, uri: down.url, state: "Down" })],
		});
		agent.close(1001, "killed");
		await eventually(async () => (await hostRow(up.id))?.state === "Disconnected", "the host to be Disconnected");
		expect((await hostRow(up.id))?.disconnected).toBeTypeOf("number");
		expect((await hostRow(down.id))?.state).toBe("Down");
		expect(await eventsOf("RELAY.DISCONNECT", agent.identity.relayId)).toHaveLength(1);
		expect(await eventsOf("HOST.DISCONNECTED", up.id)).toHaveLength(1);
		expect(await eventsOf("HOST.DISCONNECTED", down.id)).toHaveLength(0);
		expect(await alertsOf(100, site.zone.id)).toHaveLength(1);
		const hostAlerts = await alertsOf(7, site.zone.id);
		expect(hostAlerts.map((a) => a.subject)).toEqual([`Host ${up.name} is Disconnected`]);
	});

	it("applies host.state Down (HOST.DOWN, alert 7) and back Up (HOST.UP)", async () => {
		const site = await newSite();
		const row = await insertHost(site);
		const agent = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: row.id, uri: row.url })] });
		agent.hostState(row.id, "Down", "libvirtd does not answer");
		await eventually(async () => (await hostRow(row.id))?.state === "Down", "Down");
		const [down] = await eventsOf("HOST.DOWN", row.id);
		expect(down?.description).toContain("libvirtd does not answer");
		expect((await alertsOf(7, site.zone.id)).map((a) => a.subject)).toEqual([`Host ${row.name} is Down`]);
		agent.hostState(row.id, "Up");
		await eventually(async () => (await hostRow(row.id))?.state === "Up", "Up again");
		expect(await eventsOf("HOST.UP", row.id)).toHaveLength(1);
		// A host of another zone is not touched.
		const other = await newSite();
		const foreign = await insertHost(other);
		agent.hostState(foreign.id, "Down");
		await link.status(site.zone.id);
		expect((await hostRow(foreign.id))?.state).toBe("Up");
		agent.close();
	});

	it("closes a revoked relay's socket with close{revoked} (deleteRelay)", async () => {
		const { zone } = await newSite();
		const agent: FakeAgent = await startFakeAgent(zone);
		ok(await call(world.root, { command: "deleteRelay", id: agent.identity.relayId }), "deleteRelay");
		expect(await agent.waitFor((f) => f.type === "close")).toMatchObject({ reason: "revoked" });
		await agent.waitForClosed();
		expect(await link.status(zone.id)).toMatchObject({ active: null });
	});
});

describe("heartbeats and protocol errors", () => {
	/** Makes every socket of the zone's DO look as if its last frame came `ageMs` ago. */
	async function age(agent: FakeAgent, ageMs: number): Promise<void> {
		const { zoneId, relayId } = agent.identity;
		// The hello's reconciliation writes the attachment for the last time with RELAY.CONNECT.
		await eventually(async () => (await eventsOf("RELAY.CONNECT", relayId)).length > 0, "the reconciliation");
		await runInDurableObject(stubOf(zoneId), (_instance, state) => {
			const then = Date.now() - ageMs;
			for (const ws of state.getWebSockets()) {
				const info = ws.deserializeAttachment() as Obj;
				ws.serializeAttachment({ ...info, connectedAt: then, lastFrameAt: then });
			}
		});
	}

	it("answers PING_TEXT with PONG_TEXT (the auto-response)", async () => {
		const { zone } = await newSite();
		const agent = await startFakeAgent(zone);
		const since = agent.frames.length;
		agent.ping();
		await agent.waitFor((f) => f.type === "pong", { since });
		agent.close();
	});

	it("drops a socket whose last ping is older than 10 s at the alarm, and records the loss", async () => {
		const site = await newSite();
		const row = await insertHost(site);
		const agent = await startFakeAgent(site.zone, { hosts: [fakeHost({ id: row.id, uri: row.url })] });
		await age(agent, 13_000);
		expect(await runDurableObjectAlarm(stubOf(site.zone.id))).toBe(true);
		expect((await hostRow(row.id))?.state).toBe("Disconnected");
		await agent.waitForClosed(2000);
		expect(await eventsOf("RELAY.DISCONNECT", agent.identity.relayId)).toHaveLength(1);
		expect(await link.status(site.zone.id)).toMatchObject({ active: null });
	});

	it("keeps a socket that pings, however old its last other frame", async () => {
		const { zone } = await newSite();
		const agent = await startFakeAgent(zone);
		const since = agent.frames.length;
		agent.ping();
		await agent.waitFor((f) => f.type === "pong", { since });
		await age(agent, 13_000);
		await runDurableObjectAlarm(stubOf(zone.id));
		expect(agent.closed).toBeNull();
		expect((await link.status(zone.id)).active?.relayId).toBe(agent.identity.relayId);
		agent.close();
	});

	it("closes with close{protocol} on a frame of another protocol version", async () => {
		const { zone } = await newSite();
		const agent = await startFakeAgent(zone);
		agent.sendRaw(JSON.stringify({ type: "ping", v: 99 }));
		expect(await agent.waitFor((f) => f.type === "close")).toMatchObject({ reason: "protocol" });
		await agent.waitForClosed();
	});
});

describe("POST /relay/v1/local-enroll", () => {
	it("does not exist without LOCAL_RELAY_SECRET", async () => {
		const { exports } = await import("cloudflare:workers");
		const response = await exports.default.fetch("http://127.0.0.1/relay/v1/local-enroll", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ secret: "x", name: "dev", publicKey: {} }),
		});
		expect(response.status).toBe(404);
	});
});
