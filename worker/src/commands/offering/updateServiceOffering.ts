import { SERVICE_OFFERING_FIELDS } from "../../api/serializers/service-offering";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { SERVICE_OFFERING, updateOffering } from "./offering-lifecycle";
import { requireServiceOffering, type ServiceOfferingRow, serviceOfferingResponse } from "./service-offering-view";

export const updateServiceOffering = defineCommand({
	name: "updateServiceOffering",
	description:
		"Updates a service offering: name, display text, sort key, tags, the domains and zones it is restricted to, and its state",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the service offering to be updated", { required: true, related: "listServiceOfferings" }),
		name: p.string("the name of the service offering to be updated"),
		displaytext: p.string("the display text of the service offering to be updated"),
		sortkey: p.integer("sort key of the service offering, integer"),
		domainid: p.string("the ID of the containing domain(s) as comma separated string, public for public offerings", {
			length: 4096,
		}),
		zoneid: p.string("the ID of the containing zone(s) as comma separated string, all for all zones offerings", {
			since: "4.13",
		}),
		storagetags: p.string(
			"comma-separated list of tags for the service offering, tags should match with existing storage pool tags",
			{
				since: "4.16",
			},
		),
		hosttags: p.string("the host tag for this service offering.", { since: "4.16" }),
		state: p.string("state of the service offering: Active or Inactive"),
	},
	responseFields: SERVICE_OFFERING_FIELDS,
	related: ["listServiceOfferings", "createServiceOffering"],
	async handle({ params, deps, caller }) {
		const offering = await requireServiceOffering(deps.db, params.id);
		const extra: Partial<ServiceOfferingRow> = {};
		if (params.storagetags !== undefined) extra.storageTags = params.storagetags.trim() || null;
		if (params.hosttags !== undefined) extra.hostTags = params.hosttags.trim() || null;
		const row = await updateOffering(SERVICE_OFFERING, { deps, caller }, offering, params, extra);
		return { type: "object", name: "serviceoffering", value: await serviceOfferingResponse(deps.db, row) };
	},
});
