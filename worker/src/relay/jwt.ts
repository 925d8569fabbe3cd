/**
 * @module The credential a relay presents on every connect: a short-lived JWT signed (EdDSA) by
 * the Ed25519 key it registered at enrolment. Header `kid` = relay id; claims `iss` = `sub` =
 * relay id, `aud` = `zone:<zoneId>`, `exp` at most 5 minutes ahead, `iat` not in the future, and a
 * `jti` that is accepted once (kept in relay_jwt_ids until the JWT expires).
 *
 * The ZoneRelay Durable Object's WebSocket upgrade (a later piece of the relay issue) calls
 * verifyRelayJwt and answers `close{revoked}` on a "revoked" result, so the agent exits.
 */
import { and, eq, lt } from "drizzle-orm";
import { decodeProtectedHeader, importJWK, type JWTPayload, jwtVerify } from "jose";
import type { Db } from "../db/client";
import { relayJwtIds, relays } from "../db/schema";
import { isUuid } from "../lib/ids";

export type RelayRow = typeof relays.$inferSelect;

export type RelayJwtReason = "invalid" | "expired" | "replayed" | "revoked" | "unknown";

export type RelayJwtResult = { ok: true; relay: RelayRow } | { ok: false; reason: RelayJwtReason };

/** The longest life a relay JWT may have. */
export const MAX_JWT_LIFETIME_S = 5 * 60;
/** Clock skew allowed between agent and Worker. */
export const CLOCK_SKEW_S = 60;
const MAX_JWT_LENGTH = 4096;
const MAX_JTI_LENGTH = 128;

const refuse = (reason: RelayJwtReason): RelayJwtResult => ({ ok: false, reason });

function kidOf(jwt: string): string | null {
	try {
		const { kid, alg } = decodeProtectedHeader(jwt);
		if (alg !== "EdDSA" && alg !== "Ed25519") return null;
		return typeof kid === "string" && isUuid(kid) ? kid.toLowerCase() : null;
	} catch {
		return null;
	}
}

/** Verifies `jwt` for a connection to zone `zoneId` at `now` (epoch ms); records its jti on success. */
export async function verifyRelayJwt(db: Db, jwt: string, zoneId: string, now: number): Promise<RelayJwtResult> {
	if (typeof jwt !== "string" || jwt.length > MAX_JWT_LENGTH) return refuse("invalid");
	const kid = kidOf(jwt);
	if (!kid) return refuse("invalid");
	const relay = await db.select().from(relays).where(eq(relays.id, kid)).get();
	if (!relay) return refuse("unknown");

	let payload: JWTPayload;
	try {
		const key = await importJWK(JSON.parse(relay.publicKeyJwk), "EdDSA");
		({ payload } = await jwtVerify(jwt, key, {
			algorithms: ["EdDSA", "Ed25519"],
			audience: `zone:${zoneId}`,
			issuer: relay.id,
			subject: relay.id,
			currentDate: new Date(now),
			clockTolerance: CLOCK_SKEW_S,
			requiredClaims: ["exp", "iat", "jti"],
		}));
	} catch (error) {
		return refuse((error as { code?: string }).code === "ERR_JWT_EXPIRED" ? "expired" : "invalid");
	}
	// The signature is the relay's own: only now may the answer say it is revoked.
	if (relay.state !== "Enabled") return refuse("revoked");
	if (relay.zoneId !== zoneId) return refuse("invalid");

	const { exp, iat, jti } = payload;
	const nowS = now / 1000;
	if (typeof exp !== "number" || typeof iat !== "number") return refuse("invalid");
	if (exp > nowS + MAX_JWT_LIFETIME_S + CLOCK_SKEW_S || exp - iat > MAX_JWT_LIFETIME_S) return refuse("invalid");
	if (iat > nowS + CLOCK_SKEW_S) return refuse("invalid");
	if (typeof jti !== "string" || jti === "" || jti.length > MAX_JTI_LENGTH) return refuse("invalid");

	// A jti is remembered until its JWT (plus the skew) expires; older ones are pruned here.
	const [, recorded] = await db.batch([
		db.delete(relayJwtIds).where(and(eq(relayJwtIds.relayId, relay.id), lt(relayJwtIds.expires, now))),
		db
			.insert(relayJwtIds)
			.values({ relayId: relay.id, jti, expires: (exp + CLOCK_SKEW_S) * 1000 })
			.onConflictDoNothing()
			.returning({ jti: relayJwtIds.jti }),
	]);
	if (recorded.length === 0) return refuse("replayed");
	await db.update(relays).set({ lastSeen: now }).where(eq(relays.id, relay.id));
	return { ok: true, relay: { ...relay, lastSeen: now } };
}

/**
 * The Bearer JWT of an agent's HTTP request (not the WebSocket), checked against the zone of the
 * relay it names (kid → relay → zone); null when there is none to check.
 */
export async function verifyRelayRequest(db: Db, request: Request, now: number) {
	const jwt = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
	if (!jwt) return null;
	let kid: unknown;
	try {
		kid = decodeProtectedHeader(jwt).kid;
	} catch {
		return null;
	}
	if (typeof kid !== "string" || !isUuid(kid)) return null;
	const relay = await db.select({ zoneId: relays.zoneId }).from(relays).where(eq(relays.id, kid.toLowerCase())).get();
	if (!relay) return null;
	return verifyRelayJwt(db, jwt, relay.zoneId, now);
}
