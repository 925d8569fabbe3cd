/**
 * @module `POST /relay/v1/enroll`: a relay agent trades a one-time, zone-bound enrolment token
 * for its identity, registering its Ed25519 public key. The token is marked used by a
 * compare-and-set (`… WHERE used_at IS NULL`) in the same D1 batch (one transaction) that creates
 * the relay, so a token enrols exactly one relay even when requests race. The token is never
 * logged or stored; only its SHA-256 is looked up.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { relayEnrollmentTokens, relays, zones } from "../db/schema";
import { newUuid } from "../lib/ids";
import { constantTimeEqual, parseEd25519PublicJwk, sha256Hex } from "./keys";

export interface EnrollResult {
	status: 201 | 400 | 401;
	body: Record<string, unknown>;
}

/** The same text for unknown, expired and used tokens: a caller learns nothing about which. */
export const TOKEN_REFUSED = "The enrolment token is invalid, expired or already used";

const MAX_TOKEN_LENGTH = 256;
const MAX_NAME_LENGTH = 255;
// Control characters are refused in names, as in every other API string.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to match them
const CONTROL = /[\u0000-\u001f\u007f]/;

function badRequest(error: string): EnrollResult {
	return { status: 400, body: { error } };
}

/** Validates the parsed JSON body and enrols the relay; `body` is whatever JSON.parse returned. */
export async function enrollRelay(db: Db, body: unknown, now: number): Promise<EnrollResult> {
	if (typeof body !== "object" || body === null || Array.isArray(body)) {
		return badRequest("The body must be a JSON object with token, name and publicKey");
	}
	const { token, name, publicKey } = body as Record<string, unknown>;
	if (typeof token !== "string" || token === "" || token.length > MAX_TOKEN_LENGTH) {
		return badRequest("token must be a non-empty string");
	}
	if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME_LENGTH || CONTROL.test(name)) {
		return badRequest(`name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
	}
	const jwk = await parseEd25519PublicJwk(publicKey);
	if (!jwk) return badRequest("publicKey must be an Ed25519 public JWK (kty OKP, crv Ed25519, x) without d");

	const hash = await sha256Hex(token);
	const relayId = newUuid();
	const usable = and(
		eq(relayEnrollmentTokens.tokenHash, hash),
		isNull(relayEnrollmentTokens.usedAt),
		gt(relayEnrollmentTokens.expires, now),
		sql`exists (select 1 from ${zones} where ${zones.id} = ${relayEnrollmentTokens.zoneId})`,
	);
	// The insert runs first and only if the token is still usable; the update then claims it.
	// Both are one transaction, so no other request can claim the token in between.
	const [, claimed] = await db.batch([
		// drizzle checks that these fields are the relays columns, in their order.
		db.insert(relays).select(
			db
				.select({
					id: sql<string>`${relayId}`.as("id"),
					zoneId: relayEnrollmentTokens.zoneId,
					name: sql<string>`${name.trim()}`.as("name"),
					publicKeyJwk: sql<string>`${JSON.stringify(jwk)}`.as("public_key_jwk"),
					state: sql<string>`'Enabled'`.as("state"),
					created: sql<number>`${now}`.as("created"),
					enrolledFrom: relayEnrollmentTokens.id,
					lastSeen: sql<number | null>`null`.as("last_seen"),
					revoked: sql<number | null>`null`.as("revoked"),
				})
				.from(relayEnrollmentTokens)
				.where(usable),
		),
		db
			.update(relayEnrollmentTokens)
			.set({ usedAt: now })
			.where(usable)
			.returning({ zoneId: relayEnrollmentTokens.zoneId, tokenHash: relayEnrollmentTokens.tokenHash }),
	]);
	const row = claimed[0];
	// The row was found by its hash; the constant-time comparison is a second, timing-safe check.
	if (!row || !constantTimeEqual(row.tokenHash, hash)) return { status: 401, body: { error: TOKEN_REFUSED } };
	// After the batch, not in it: an event insert cannot be made conditional on the claim there.
	await eventInsert(db, now, null, {
		type: "RELAY.ENROLL",
		description: `Relay ${name.trim()} enrolled`,
		resourceType: "Relay",
		resourceId: relayId,
		resourceName: name.trim(),
	});
	return { status: 201, body: { relayId, zoneId: row.zoneId, audience: `zone:${row.zoneId}` } };
}
