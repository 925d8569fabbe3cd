/**
 * verifyRelayJwt: the short-lived EdDSA JWT a relay presents on every connect is accepted for its
 * own key, zone audience and lifetime only, once per jti, and a revoked relay gets the distinct
 * "revoked" answer (so its Durable Object can send close{revoked}).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import { relays } from "../../worker/src/db/schema";
import { verifyRelayJwt } from "../../worker/src/relay/jwt";

const db = createDb(env.DB);
const ZONE = "11111111-1111-4111-8111-111111111111";
const OTHER_ZONE = "22222222-2222-4222-8222-222222222222";
const NOW = Date.parse("2026-12-01T12:00:00Z");
const NOW_S = NOW / 1000;

interface TestRelay {
	id: string;
	privateKey: CryptoKey;
}

async function addRelay(state = "Enabled"): Promise<TestRelay> {
	const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	const { kty, crv, x } = await exportJWK(publicKey);
	const id = crypto.randomUUID();
	await db.insert(relays).values({
		id,
		zoneId: ZONE,
		name: `relay-${id.slice(0, 8)}`,
		publicKeyJwk: JSON.stringify({ kty, crv, x }),
		state,
		created: NOW - 60_000,
		enrolledFrom: crypto.randomUUID(),
		lastSeen: null,
		revoked: state === "Revoked" ? NOW - 1000 : null,
	});
	return { id, privateKey };
}

interface Sign {
	key?: CryptoKey;
	kid?: string | null;
	claims?: JWTPayload;
	omit?: readonly string[];
}

/** A JWT as the agent makes it (iat now, exp in 2 minutes, fresh jti), with overrides. */
async function sign(relay: TestRelay, options: Sign = {}): Promise<string> {
	const claims: JWTPayload = {
		iss: relay.id,
		sub: relay.id,
		aud: `zone:${ZONE}`,
		iat: NOW_S,
		exp: NOW_S + 120,
		jti: crypto.randomUUID(),
		...options.claims,
	};
	for (const name of options.omit ?? []) delete claims[name];
	const kid = options.kid === undefined ? relay.id : options.kid;
	return new SignJWT(claims)
		.setProtectedHeader(kid === null ? { alg: "EdDSA" } : { alg: "EdDSA", kid })
		.sign(options.key ?? relay.privateKey);
}

let relay: TestRelay;

beforeAll(async () => {
	relay = await addRelay();
});

describe("verifyRelayJwt", () => {
	it("accepts a fresh JWT signed by the relay's key and records when it was seen", async () => {
		const result = await verifyRelayJwt(db, await sign(relay), ZONE, NOW);
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.relay).toMatchObject({ id: relay.id, zoneId: ZONE, state: "Enabled" });
		const row = await db.select().from(relays).where(eq(relays.id, relay.id)).get();
		expect(row?.lastSeen).toBe(NOW);
	});

	it("accepts small clock skew: iat up to 60 s ahead", async () => {
		const jwt = await sign(relay, { claims: { iat: NOW_S + 30, exp: NOW_S + 330 } });
		expect((await verifyRelayJwt(db, jwt, ZONE, NOW)).ok).toBe(true);
	});

	it("refuses a JWT replayed with the same jti", async () => {
		const jwt = await sign(relay);
		expect((await verifyRelayJwt(db, jwt, ZONE, NOW)).ok).toBe(true);
		expect(await verifyRelayJwt(db, jwt, ZONE, NOW + 1000)).toEqual({ ok: false, reason: "replayed" });
		// Another JWT reusing the jti is a replay as well.
		const again = await sign(relay, { claims: { jti: "fixed-jti" } });
		expect((await verifyRelayJwt(db, again, ZONE, NOW)).ok).toBe(true);
		const copy = await sign(relay, { claims: { jti: "fixed-jti", iat: NOW_S + 1 } });
		expect(await verifyRelayJwt(db, copy, ZONE, NOW + 1000)).toEqual({ ok: false, reason: "replayed" });
	});

	it("refuses a wrong audience, including another zone's", async () => {
		const jwt = await sign(relay, { claims: { aud: `zone:${OTHER_ZONE}` } });
		expect(await verifyRelayJwt(db, jwt, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		expect(await verifyRelayJwt(db, await sign(relay), OTHER_ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		const bare = await sign(relay, { claims: { aud: ZONE } });
		expect(await verifyRelayJwt(db, bare, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
	});

	it("refuses an expired JWT as expired", async () => {
		const jwt = await sign(relay, { claims: { iat: NOW_S - 400, exp: NOW_S - 100 } });
		expect(await verifyRelayJwt(db, jwt, ZONE, NOW)).toEqual({ ok: false, reason: "expired" });
	});

	it("refuses exp more than 5 minutes ahead, a life over 5 minutes, and iat in the future", async () => {
		const far = await sign(relay, { claims: { exp: NOW_S + 600 } });
		expect(await verifyRelayJwt(db, far, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		const long = await sign(relay, { claims: { iat: NOW_S - 200, exp: NOW_S + 200 } });
		expect(await verifyRelayJwt(db, long, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		const future = await sign(relay, { claims: { iat: NOW_S + 120, exp: NOW_S + 300 } });
		expect(await verifyRelayJwt(db, future, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
	});

	it("refuses a JWT without exp, iat or jti, or with the wrong iss or sub", async () => {
		for (const omit of ["exp", "iat", "jti"]) {
			const jwt = await sign(relay, { omit: [omit] });
			expect(await verifyRelayJwt(db, jwt, ZONE, NOW), omit).toEqual({ ok: false, reason: "invalid" });
		}
		const other = crypto.randomUUID();
		for (const claims of [{ iss: other }, { sub: other }]) {
			const jwt = await sign(relay, { claims });
			expect(await verifyRelayJwt(db, jwt, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		}
	});

	it("refuses a JWT signed by another key", async () => {
		const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
		const jwt = await sign(relay, { key: privateKey });
		expect(await verifyRelayJwt(db, jwt, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
	});

	it("answers unknown for a kid that is no relay, invalid for a missing kid or garbage", async () => {
		const unknown = await sign(relay, { kid: crypto.randomUUID() });
		expect(await verifyRelayJwt(db, unknown, ZONE, NOW)).toEqual({ ok: false, reason: "unknown" });
		const noKid = await sign(relay, { kid: null });
		expect(await verifyRelayJwt(db, noKid, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		for (const garbage of ["", "a.b.c", "not a jwt", "x".repeat(5000)]) {
			expect(await verifyRelayJwt(db, garbage, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
		}
	});

	it("answers revoked for a revoked relay's otherwise valid JWT", async () => {
		const revoked = await addRelay("Revoked");
		expect(await verifyRelayJwt(db, await sign(revoked), ZONE, NOW)).toEqual({ ok: false, reason: "revoked" });
		// Without the relay's own signature, nobody learns that it is revoked.
		const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
		const forged = await sign(revoked, { key: privateKey });
		expect(await verifyRelayJwt(db, forged, ZONE, NOW)).toEqual({ ok: false, reason: "invalid" });
	});
});
