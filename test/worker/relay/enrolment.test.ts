/**
 * Relay enrolment and identity (relay issue, first piece): createRelayEnrollmentToken, the
 * one-time `POST /relay/v1/enroll` (including two enrolments racing for one token), listRelays,
 * deleteRelay (revocation), the events they write, the five-role access matrix, and that the
 * token never shows up in any list output.
 */
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { relayEnrollmentTokens, relays } from "../../../worker/src/db/schema";
import { sha256Hex } from "../../../worker/src/relay/keys";
import { startFakeAgent } from "../../helpers/fake-agent";
import {
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";
import { eventually } from "../templates/site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
let world: World;
let zone: Obj;

beforeAll(async () => {
	world = await buildWorld();
	zone = await createZone(world);
});

async function publicJwk(): Promise<Record<string, unknown>> {
	const { publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	return { ...(await exportJWK(publicKey)) };
}

async function enroll(body: unknown): Promise<{ status: number; body: Obj; text: string }> {
	const response = await exports.default.fetch("http://127.0.0.1:8080/relay/v1/enroll", {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: Obj = null;
	try {
		parsed = JSON.parse(text);
	} catch {}
	return { status: response.status, body: parsed, text };
}

async function newToken(zoneId = zone.id, extra: Record<string, string> = {}): Promise<Obj> {
	const result = await call(world.root, { command: "createRelayEnrollmentToken", zoneid: zoneId, ...extra });
	return ok(result, "createRelayEnrollmentToken").relayenrollmenttoken;
}

async function enrolledRelay(name = unique("relay-")): Promise<{ relayId: string; name: string }> {
	const token = await newToken();
	const result = await enroll({ token: token.token, name, publicKey: await publicJwk() });
	expect(result.status, result.text).toBe(201);
	return { relayId: result.body.relayId, name };
}

const REFUSED = /invalid, expired or already used/;

describe("createRelayEnrollmentToken", () => {
	it("answers a one-time token for the zone, valid 60 minutes by default, and stores only its hash", async () => {
		const before = Date.now();
		const token = await newToken();
		expect(token).toMatchObject({ zoneid: zone.id, zonename: zone.name });
		expect(token.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const expires = Date.parse(token.expires.replace("+0000", "Z"));
		expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 59 * 60_000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
		const row = await db.select().from(relayEnrollmentTokens).where(eq(relayEnrollmentTokens.id, token.id)).get();
		expect(row?.tokenHash).toBe(await sha256Hex(token.token));
		expect(row?.createdBy).toBe(world.root.userId);
		expect(JSON.stringify(row)).not.toContain(token.token);
	});

	it("accepts a shorter validity", async () => {
		const token = await newToken(zone.id, { validity: "5" });
		const expires = Date.parse(token.expires.replace("+0000", "Z"));
		expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
		expect(expires).toBeGreaterThan(Date.now() + 3 * 60_000);
	});

	it("refuses a validity above 60 minutes or below 1 (431)", async () => {
		for (const validity of ["61", "0", "-5"]) {
			const result = await call(world.root, { command: "createRelayEnrollmentToken", zoneid: zone.id, validity });
			expectParamError(result, "createRelayEnrollmentToken", /validity/);
		}
	});

	it("refuses an unknown zone and a missing zoneid (431)", async () => {
		const unknown = "00000000-0000-4000-8000-00000000dead";
		const result = await call(world.root, { command: "createRelayEnrollmentToken", zoneid: unknown });
		expectParamError(result, "createRelayEnrollmentToken", new RegExp(`zoneid value=${unknown}`));
		expectParamError(await call(world.root, { command: "createRelayEnrollmentToken" }), "createRelayEnrollmentToken");
	});

	it("writes RELAY.TOKEN.CREATE without the token", async () => {
		const token = await newToken();
		const events = await listItems(world.root, "listEvents", "event", {
			type: "RELAY.TOKEN.CREATE",
			listall: "true",
		});
		const event = events.find((e: Obj) => e.description.includes(token.id));
		expect(event).toBeDefined();
		expect(event.description).toContain(zone.name);
		expect(JSON.stringify(events)).not.toContain(token.token);
	});
});

describe("POST /relay/v1/enroll", () => {
	it("enrols once: 201 with the relay id and the zone audience, then 401 for the same token", async () => {
		const token = await newToken();
		const publicKey = await publicJwk();
		const first = await enroll({ token: token.token, name: "dc1-relay", publicKey });
		expect(first.status, first.text).toBe(201);
		expect(first.body).toEqual({ relayId: expect.any(String), zoneId: zone.id, audience: `zone:${zone.id}` });
		const row = await db.select().from(relays).where(eq(relays.id, first.body.relayId)).get();
		expect(row).toMatchObject({ zoneId: zone.id, name: "dc1-relay", state: "Enabled", enrolledFrom: token.id });
		expect(JSON.parse(row?.publicKeyJwk ?? "{}")).toEqual({ kty: "OKP", crv: "Ed25519", x: publicKey.x });
		const used = await db.select().from(relayEnrollmentTokens).where(eq(relayEnrollmentTokens.id, token.id)).get();
		expect(used?.usedAt).toBeTypeOf("number");

		const second = await enroll({ token: token.token, name: "dc1-relay-again", publicKey: await publicJwk() });
		expect(second.status).toBe(401);
		expect(second.body.error).toMatch(REFUSED);
	});

	it("refuses an expired token and an unknown token with the same 401 text", async () => {
		const token = `expired-${unique("t")}`;
		await db.insert(relayEnrollmentTokens).values({
			id: crypto.randomUUID(),
			zoneId: zone.id,
			tokenHash: await sha256Hex(token),
			created: Date.now() - 2 * 3600_000,
			expires: Date.now() - 3600_000,
			usedAt: null,
			createdBy: world.root.userId,
		});
		const expired = await enroll({ token, name: "late", publicKey: await publicJwk() });
		expect(expired.status).toBe(401);
		const unknown = await enroll({ token: "no-such-token", name: "stranger", publicKey: await publicJwk() });
		expect(unknown.status).toBe(401);
		expect(expired.body).toEqual(unknown.body);
		expect(unknown.body.error).toMatch(REFUSED);
	});

	it("lets exactly one of two concurrent enrolments with one token succeed", async () => {
		const token = await newToken();
		const [a, b] = await Promise.all([
			enroll({ token: token.token, name: "racer-a", publicKey: await publicJwk() }),
			enroll({ token: token.token, name: "racer-b", publicKey: await publicJwk() }),
		]);
		expect([a.status, b.status].sort()).toEqual([201, 401]);
		const rows = await db.select().from(relays).where(eq(relays.enrolledFrom, token.id));
		expect(rows).toHaveLength(1);
	});

	it("answers 400 for a malformed body or key, and leaves the token usable", async () => {
		const token = await newToken();
		const publicKey = await publicJwk();
		const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
		const bad: unknown[] = [
			"{not json",
			"[]",
			{ name: "x", publicKey },
			{ token: token.token, publicKey },
			{ token: token.token, name: "", publicKey },
			{ token: token.token, name: "a\u0001b", publicKey },
			{ token: token.token, name: "x" },
			{ token: token.token, name: "x", publicKey: "not a key" },
			{ token: token.token, name: "x", publicKey: { ...publicKey, crv: "X25519" } },
			{ token: token.token, name: "x", publicKey: { kty: "EC", crv: "P-256", x: publicKey.x, y: publicKey.x } },
			{ token: token.token, name: "x", publicKey: { ...publicKey, x: "short" } },
			{ token: token.token, name: "x", publicKey: await exportJWK(privateKey) },
		];
		for (const body of bad) {
			const result = await enroll(body);
			expect(result.status, JSON.stringify(body)).toBe(400);
			expect(result.body.error).toBeTypeOf("string");
			expect(result.text).not.toMatch(/at \w+ \(|Error:/);
		}
		const good = await enroll({ token: token.token, name: "after-bad-tries", publicKey });
		expect(good.status, good.text).toBe(201);
	});
});

describe("listRelays and deleteRelay", () => {
	it("lists relays with a key fingerprint and never the key or the token", async () => {
		const token = await newToken();
		const publicKey = await publicJwk();
		const name = unique("listed-");
		const enrolled = await enroll({ token: token.token, name, publicKey });
		const [relay] = await listItems(world.root, "listRelays", "relay", { id: enrolled.body.relayId });
		const stored = await db.select().from(relays).where(eq(relays.id, enrolled.body.relayId)).get();
		expect(relay).toEqual({
			id: enrolled.body.relayId,
			name,
			zoneid: zone.id,
			zonename: zone.name,
			state: "Enabled",
			keyfingerprint: (await sha256Hex(stored?.publicKeyJwk ?? "")).slice(0, 16),
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
			connectionstate: "Disconnected",
		});
		const all = await call(world.root, { command: "listRelays" });
		const events = await call(world.root, { command: "listEvents", listall: "true" });
		for (const text of [all.text, events.text]) {
			expect(text).not.toContain(token.token);
			expect(text).not.toContain(String(publicKey.x));
		}
	});

	it("shows which relay is connected (the zone's live link) and since when", async () => {
		const liveZone = await createZone(world);
		const agent = await startFakeAgent(liveZone);
		const connected = await eventually(async () => {
			const [row] = await listItems(world.root, "listRelays", "relay", { id: agent.identity.relayId });
			return row?.connectionstate === "Connected" ? row : undefined;
		}, "the relay Connected");
		expect(connected.connected).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		agent.close();
		const gone = await eventually(async () => {
			const [row] = await listItems(world.root, "listRelays", "relay", { id: agent.identity.relayId });
			return row?.connectionstate === "Disconnected" ? row : undefined;
		}, "the relay Disconnected");
		expect(gone.connected).toBeUndefined();
	});

	it("filters by zone, state and keyword, and pages", async () => {
		const otherZone = await createZone(world);
		const token = await newToken(otherZone.id);
		const name = unique("filtered-");
		await enroll({ token: token.token, name, publicKey: await publicJwk() });
		const inOther = await listItems(world.root, "listRelays", "relay", { zoneid: otherZone.id });
		expect(inOther.map((r: Obj) => r.name)).toEqual([name]);
		expect(await listItems(world.root, "listRelays", "relay", { keyword: name })).toHaveLength(1);
		expect(await listItems(world.root, "listRelays", "relay", { zoneid: otherZone.id, state: "revoked" })).toEqual([]);
		const page = ok(await call(world.root, { command: "listRelays", page: "1", pagesize: "1" }), "listRelays");
		expect(page.relay).toHaveLength(1);
		expect(page.count).toBeGreaterThan(1);
		expectParamError(await call(world.root, { command: "listRelays", state: "Gone" }), "listRelays", /state/);
	});

	it("deleteRelay revokes: state Revoked, revoked date, event RELAY.REVOKE; a second delete changes nothing", async () => {
		const { relayId, name } = await enrolledRelay();
		expect(ok(await call(world.root, { command: "deleteRelay", id: relayId }), "deleteRelay").success).toBe(true);
		const [relay] = await listItems(world.root, "listRelays", "relay", { id: relayId });
		expect(relay.state).toBe("Revoked");
		expect(relay.revoked).toMatch(/\+0000$/);
		const revokedOnly = await listItems(world.root, "listRelays", "relay", { state: "Revoked" });
		expect(revokedOnly.map((r: Obj) => r.id)).toContain(relayId);
		ok(await call(world.root, { command: "deleteRelay", id: relayId }), "deleteRelay");
		const events = await listItems(world.root, "listEvents", "event", {
			type: "RELAY.REVOKE",
			resourceid: relayId,
			listall: "true",
		});
		expect(events).toHaveLength(1);
		expect(events[0].description).toContain(name);
	});

	it("deleteRelay refuses an unknown id (431)", async () => {
		const result = await call(world.root, { command: "deleteRelay", id: "00000000-0000-4000-8000-00000000beef" });
		expectParamError(result, "deleteRelay");
	});
});

// ---- the access matrix ----------------------------------------------------------------------

async function tokenCount(): Promise<number> {
	return (await db.select().from(relayEnrollmentTokens)).length;
}

function createAllowed(): Case {
	return {
		expect: "allowed",
		run: (_w, a) => call(a, { command: "createRelayEnrollmentToken", zoneid: zone.id }),
		verify: (_w, result) => {
			expect(result.body.createrelayenrollmenttokenresponse.relayenrollmenttoken.token).toBeTypeOf("string");
		},
	};
}

function createRefused(): Case {
	let before = 0;
	return {
		...unavailable("createRelayEnrollmentToken"),
		run: async (_w, a) => {
			before = await tokenCount();
			return call(a, { command: "createRelayEnrollmentToken", zoneid: zone.id });
		},
		verify: async () => expect(await tokenCount()).toBe(before),
	};
}

const listAllowed: Case = {
	expect: "allowed",
	run: async (_w, a) => {
		await enrolledRelay();
		return call(a, { command: "listRelays" });
	},
	verify: (_w, result) => expect(result.body.listrelaysresponse.relay.length).toBeGreaterThan(0),
};

function deleteAllowed(): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (_w, a) => {
			id = (await enrolledRelay()).relayId;
			return call(a, { command: "deleteRelay", id });
		},
		verify: async () => expect((await db.select().from(relays).where(eq(relays.id, id)).get())?.state).toBe("Revoked"),
	};
}

function deleteRefused(): Case {
	let id = "";
	return {
		...unavailable("deleteRelay"),
		run: async (_w, a) => {
			id = (await enrolledRelay()).relayId;
			return call(a, { command: "deleteRelay", id });
		},
		verify: async () => expect((await db.select().from(relays).where(eq(relays.id, id)).get())?.state).toBe("Enabled"),
	};
}

const matrix: Record<string, CommandMatrix> = {
	createRelayEnrollmentToken: {
		RootAdmin: [createAllowed()],
		ReadOnlyAdmin: [createRefused()],
		DomainAdmin: [createRefused()],
		ResourceAdmin: [createRefused()],
		User: [createRefused()],
	},
	listRelays: {
		RootAdmin: [listAllowed],
		ReadOnlyAdmin: [listAllowed],
		DomainAdmin: [unavailable("listRelays")],
		ResourceAdmin: [unavailable("listRelays")],
		User: [unavailable("listRelays")],
	},
	deleteRelay: {
		RootAdmin: [deleteAllowed()],
		ReadOnlyAdmin: [deleteRefused()],
		DomainAdmin: [deleteRefused()],
		ResourceAdmin: [deleteRefused()],
		User: [deleteRefused()],
	},
};

describeMatrix("relay commands × roles", () => world, matrix);
