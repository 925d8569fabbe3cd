import { and, asc, eq, like, type SQL } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { RELAY_FIELDS, serializeRelays } from "../../api/serializers/relay";
import { listPage } from "../../db/repos/list-page";
import { relays } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

const STATES = ["Enabled", "Revoked"] as const;

export const listRelays = defineCommand({
	name: "listRelays",
	description: "Lists the relay agents enrolled for zones",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the relay", { related: "listRelays" }),
		zoneid: p.uuid("the ID of the zone", { related: "listZones" }),
		state: p.string("the state of the relay: Enabled or Revoked"),
		...pagingParams,
	},
	responseFields: RELAY_FIELDS,
	related: ["createRelayEnrollmentToken", "deleteRelay"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [];
		if (params.id) filters.push(eq(relays.id, params.id));
		if (params.zoneid) filters.push(eq(relays.zoneId, params.zoneid));
		if (params.state !== undefined) {
			const state = STATES.find((s) => s.toLowerCase() === params.state?.trim().toLowerCase());
			if (!state) throw new CsError(ERROR.paramError, `Invalid relay state ${params.state}: use Enabled or Revoked`);
			filters.push(eq(relays.state, state));
		}
		if (params.keyword) filters.push(like(relays.name, `%${params.keyword}%`));
		const { rows, count } = await listPage(
			deps.db,
			relays,
			and(...filters),
			[asc(relays.created), asc(relays.id)],
			window,
		);
		// One status call per zone on the page: the ZoneRelay DO knows which agent is connected.
		const zoneIds = [...new Set(rows.map((row) => row.zoneId))];
		const statuses = await Promise.all(zoneIds.map(async (zoneId) => (await deps.relay.status(zoneId)).active));
		const active = new Map(zoneIds.map((zoneId, i) => [zoneId, statuses[i] ?? null]));
		return { type: "list", name: "relay", items: await serializeRelays(deps.db, rows, active), count };
	},
});
