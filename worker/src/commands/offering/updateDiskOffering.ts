import { DISK_OFFERING_FIELDS } from "../../api/serializers/disk-offering";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { type DiskOfferingRow, diskOfferingResponse, requireDiskOffering } from "./disk-offering-view";
import { DISK_OFFERING, updateOffering } from "./offering-lifecycle";

export const updateDiskOffering = defineCommand({
	name: "updateDiskOffering",
	description:
		"Updates a disk offering: name, display text, sort key, visibility, tags, the domains and zones it is restricted to, and its state",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("ID of the disk offering", { required: true, related: "listDiskOfferings" }),
		name: p.string("updates name of the disk offering with this value"),
		displaytext: p.string("updates alternate display text of the disk offering with this value", { length: 4096 }),
		sortkey: p.integer("sort key of the disk offering, integer"),
		displayoffering: p.boolean("an optional field, whether to display the offering to the end user or not."),
		domainid: p.string("the ID of the containing domain(s) as comma separated string, public for public offerings", {
			length: 4096,
		}),
		zoneid: p.string("the ID of the containing zone(s) as comma separated string, all for all zones offerings", {
			since: "4.13",
		}),
		tags: p.string(
			"comma-separated list of tags for the disk offering, tags should match with existing storage pool tags",
			{
				since: "4.15",
			},
		),
		state: p.string("state of the disk offering: Active or Inactive"),
	},
	responseFields: DISK_OFFERING_FIELDS,
	related: ["listDiskOfferings", "createDiskOffering"],
	async handle({ params, deps, caller }) {
		const offering = await requireDiskOffering(deps.db, params.id);
		const extra: Partial<DiskOfferingRow> = {};
		if (params.displayoffering !== undefined) extra.displayOffering = params.displayoffering;
		if (params.tags !== undefined) extra.tags = params.tags.trim() || null;
		const row = await updateOffering(DISK_OFFERING, { deps, caller }, offering, params, extra);
		return { type: "object", name: "diskoffering", value: await diskOfferingResponse(deps.db, row) };
	},
});
