import { serializeZones, ZONE_FIELDS } from "../../api/serializers/zone";
import { defineCommand } from "../define";
import { listZoneRows, zoneListParams, zoneView } from "./zone-list";

export const listZones = defineCommand({
	name: "listZones",
	description: "Lists zones",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: zoneListParams,
	responseFields: ZONE_FIELDS,
	related: ["createZone", "updateZone", "listZonesMetrics"],
	async handle({ params, deps, caller }) {
		const { rows, count } = await listZoneRows(deps.db, deps.settings, caller, params);
		const items = await serializeZones(deps.db, rows, zoneView(caller), params.showcapacities);
		return { type: "list", name: "zone", items, count };
	},
});
