import { CsError, ERROR } from "../../api/errors";
import { csDate } from "../../api/serializers/format";
import { RELAY_TOKEN_FIELDS } from "../../api/serializers/relay";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { relayEnrollmentTokens } from "../../db/schema";
import { newUuid, randomToken } from "../../lib/ids";
import { sha256Hex } from "../../relay/keys";
import { defineCommand } from "../define";
import { p } from "../param-spec";

/** Enrolment tokens live at most an hour (the relay issue's bound). */
export const MAX_TOKEN_VALIDITY_MINUTES = 60;

export const createRelayEnrollmentToken = defineCommand({
	name: "createRelayEnrollmentToken",
	description:
		"Creates a one-time enrolment token that lets one relay agent enrol for a zone; the token is shown in this response only",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		zoneid: p.uuid("the ID of the zone the relay will serve", { required: true, related: "listZones" }),
		validity: p.integer(
			`minutes the token stays valid (1 to ${MAX_TOKEN_VALIDITY_MINUTES}, default ${MAX_TOKEN_VALIDITY_MINUTES})`,
		),
	},
	responseFields: RELAY_TOKEN_FIELDS,
	related: ["listRelays"],
	async handle({ params, deps, caller }) {
		const zone = await requireZone(deps.db, params.zoneid);
		const validity = params.validity ?? MAX_TOKEN_VALIDITY_MINUTES;
		if (validity < 1 || validity > MAX_TOKEN_VALIDITY_MINUTES) {
			throw new CsError(
				ERROR.paramError,
				`validity must be between 1 and ${MAX_TOKEN_VALIDITY_MINUTES} minutes, was ${validity}`,
			);
		}
		const token = randomToken(32);
		const now = deps.clock.now();
		const row = {
			id: newUuid(),
			zoneId: zone.id,
			tokenHash: await sha256Hex(token),
			created: now,
			expires: now + validity * 60_000,
			usedAt: null,
			createdBy: caller.userId,
		};
		await deps.db.batch([
			deps.db.insert(relayEnrollmentTokens).values(row),
			eventInsert(deps.db, now, caller, {
				type: "RELAY.TOKEN.CREATE",
				description: `Relay enrolment token ${row.id} created for zone ${zone.name}, valid until ${csDate(row.expires)}`,
				resourceType: "Zone",
				resourceId: zone.id,
				resourceName: zone.name,
			}),
		]);
		return {
			type: "object",
			name: "relayenrollmenttoken",
			value: { id: row.id, zoneid: zone.id, zonename: zone.name, token, expires: csDate(row.expires) },
		};
	},
});
