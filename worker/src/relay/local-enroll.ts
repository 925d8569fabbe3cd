/**
 * @module `POST /relay/v1/local-enroll`: local development only. When the Worker has the var
 * LOCAL_RELAY_SECRET (written to .dev.vars by `npm start`, never deployed), an agent started with
 * `flarestack-relay run --local` enrols into the oldest zone that has no Enabled relay, without an
 * admin creating a token. Without the var the route does not exist (404). It goes through the
 * ordinary enrolment: a one-time token is minted and used at once.
 */
import { and, asc, eq, notExists } from "drizzle-orm";
import type { Db } from "../db/client";
import { relayEnrollmentTokens, relays, zones } from "../db/schema";
import { newUuid } from "../lib/ids";
import { enrollRelay } from "./enroll";
import { constantTimeEqual, sha256Hex } from "./keys";

export interface LocalEnrollResult {
	status: 201 | 400 | 401 | 404 | 409;
	body: Record<string, unknown>;
}

/** Who created the tokens this route mints (no user did). */
const LOCAL_CREATOR = "local-enroll";

export async function localEnroll(
	db: Db,
	secret: string | undefined,
	body: unknown,
	now: number,
): Promise<LocalEnrollResult> {
	if (!secret) return { status: 404, body: { error: "Not found" } };
	if (typeof body !== "object" || body === null || Array.isArray(body)) {
		return { status: 400, body: { error: "The body must be a JSON object with secret, name and publicKey" } };
	}
	const { secret: given, name, publicKey } = body as Record<string, unknown>;
	if (typeof given !== "string" || !constantTimeEqual(given, secret)) {
		return { status: 401, body: { error: "The local enrolment secret is wrong" } };
	}
	const zone = await db
		.select({ id: zones.id })
		.from(zones)
		.where(
			notExists(
				db
					.select({ id: relays.id })
					.from(relays)
					.where(and(eq(relays.zoneId, zones.id), eq(relays.state, "Enabled"))),
			),
		)
		.orderBy(asc(zones.created), asc(zones.id))
		.get();
	if (!zone) return { status: 409, body: { error: "There is no zone without a relay yet: create a zone first" } };
	const token = `local-${newUuid()}-${newUuid()}`;
	await db.insert(relayEnrollmentTokens).values({
		id: newUuid(),
		zoneId: zone.id,
		tokenHash: await sha256Hex(token),
		created: now,
		expires: now + 60_000,
		usedAt: null,
		createdBy: LOCAL_CREATOR,
	});
	return enrollRelay(db, { token, name, publicKey }, now);
}
