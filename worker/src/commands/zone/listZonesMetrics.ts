import { compact } from "../../api/serializers/format";
import { serializeZones } from "../../api/serializers/zone";
import { defineCommand } from "../define";
import { listZoneRows, zoneListParams } from "./zone-list";
import { ZONE_METRICS_FIELDS, zoneMetrics } from "./zone-metrics";

export const listZonesMetrics = defineCommand({
	name: "listZonesMetrics",
	description: "Lists zone metrics",
	since: "4.9.3",
	access: "authenticated",
	authorized: ["Admin"],
	params: zoneListParams,
	responseFields: ZONE_METRICS_FIELDS,
	related: ["listZones"],
	async handle({ params, deps, caller }) {
		const { rows, count } = await listZoneRows(deps.db, deps.settings, caller, params);
		const [zonesOut, metricsOf] = await Promise.all([
			serializeZones(deps.db, rows, "Full", params.showcapacities),
			zoneMetrics(deps.db, rows),
		]);
		const items = rows.map((row, i) => compact({ ...metricsOf(row), ...zonesOut[i] }));
		return { type: "list", name: "zone", items, count };
	},
});
