/**
 * @module relay → `relay` response, enrolment token → `relayenrollmenttoken`. A relay's key
 * material is never answered, only `keyfingerprint` (the first 16 hex digits of its JWK's SHA-256).
 */
import { inArray } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { zones } from "../../db/schema";
import type { RelayRow } from "../../relay/jwt";
import { keyFingerprint } from "../../relay/keys";
import { compact, csDate } from "./format";

export const RELAY_FIELDS = {
	id: ["string", "the ID of the relay"],
	name: ["string", "the name of the relay"],
	zoneid: ["string", "the ID of the zone the relay serves"],
	zonename: ["string", "the name of the zone the relay serves"],
	state: ["string", "the state of the relay: Enabled or Revoked"],
	keyfingerprint: ["string", "the first 16 hex digits of the SHA-256 of the relay's public key (JWK)"],
	created: ["date", "the date the relay enrolled"],
	lastseen: ["date", "the last time the relay presented a valid credential"],
	revoked: ["date", "the date the relay was revoked"],
	connectionstate: ["string", "Connected (the agent driving the zone now) or Disconnected, from the zone's live link"],
	connected: ["date", "since when the relay has been connected, when it is"],
} as const satisfies FieldTable;

export const RELAY_TOKEN_FIELDS = {
	id: ["string", "the ID of the enrolment token"],
	zoneid: ["string", "the ID of the zone the token enrols a relay for"],
	zonename: ["string", "the name of the zone the token enrols a relay for"],
	token: ["string", "the one-time enrolment token; shown in this response only"],
	expires: ["date", "the date the token expires"],
} as const satisfies FieldTable;

export async function zoneNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: zones.id, name: zones.name })
		.from(zones)
		.where(inArray(zones.id, [...new Set(ids)]));
	return new Map(rows.map((z) => [z.id, z.name]));
}

/** The live link's view of each zone: which relay is active there, since when. */
export type ActiveRelays = ReadonlyMap<string, { relayId: string; connectedAt: number } | null>;

export async function serializeRelays(
	db: Db,
	rows: readonly RelayRow[],
	active: ActiveRelays,
): Promise<Record<string, unknown>[]> {
	const names = await zoneNames(
		db,
		rows.map((r) => r.zoneId),
	);
	return Promise.all(
		rows.map(async (row) => {
			const link = active.get(row.zoneId);
			const connected = link?.relayId === row.id ? link.connectedAt : undefined;
			return compact({
				id: row.id,
				name: row.name,
				zoneid: row.zoneId,
				zonename: names.get(row.zoneId),
				state: row.state,
				keyfingerprint: await keyFingerprint(row.publicKeyJwk),
				created: csDate(row.created),
				lastseen: row.lastSeen === null ? undefined : csDate(row.lastSeen),
				revoked: row.revoked === null ? undefined : csDate(row.revoked),
				connectionstate: connected === undefined ? "Disconnected" : "Connected",
				connected: connected === undefined ? undefined : csDate(connected),
			});
		}),
	);
}
