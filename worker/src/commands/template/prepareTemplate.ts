import { CsError, ERROR } from "../../api/errors";
import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { requireZone } from "../../db/repos/inventory";
import { imageStoreRows, requireImage } from "../../db/repos/templates";
import { prepareTemplateOnPools } from "../../templates";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { imageListResult, TEMPLATE } from "./image-rules";

export const prepareTemplate = defineCommand({
	name: "prepareTemplate",
	description:
		"Load template into primary storage: the zone's relay agent copies it once onto each Up pool (or the one given) that lacks it",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		templateid: p.uuid("template ID of the template to be prepared in primary storage(s).", {
			required: true,
			related: "listTemplates",
		}),
		zoneid: p.uuid("zone ID of the template to be prepared in primary storage(s).", {
			required: true,
			related: "listZones",
		}),
		storageid: p.uuid("storage pool ID of the primary storage pool to which the template should be prepared.", {
			since: "4.13.0",
			related: "listStoragePools",
		}),
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["listTemplates"],
	async handle({ params, deps }) {
		const { template } = await requireImage(deps.db, params.templateid, false, "templateid");
		const zone = await requireZone(deps.db, params.zoneid);
		const copy = (await imageStoreRows(deps.db, template.id)).find((c) => c.zoneId === zone.id);
		if (copy?.state !== "Ready") {
			throw new CsError(
				ERROR.paramError,
				`Template ${template.name} is not ready in zone ${zone.name}${copy ? ` (${copy.state})` : ""}: it cannot be copied to primary storage yet`,
			);
		}
		await prepareTemplateOnPools(deps, template.id, zone.id, params.storageid);
		return imageListResult(deps.db, TEMPLATE, template.id, zone.id);
	},
});
