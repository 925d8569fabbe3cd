import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { DISK_OFFERING_FIELDS } from "../../api/serializers/disk-offering";
import { eventInsert } from "../../db/events";
import { diskOfferings } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { diskOfferingResponse, requireDiskOffering } from "./disk-offering-view";
import {
	assertMayManage,
	domainsOf,
	joinIds,
	parseOfferingState,
	resolveDomains,
	resolveZones,
	updateList,
} from "./offering-rules";

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
		const changes: Partial<typeof diskOfferings.$inferInsert> = {};
		if (params.name !== undefined) {
			const name = params.name.trim();
			if (name === "") throw new CsError(ERROR.paramError, "The disk offering name must not be empty");
			changes.name = name;
		}
		if (params.displaytext !== undefined && params.displaytext.trim() !== "") changes.displayText = params.displaytext;
		if (params.sortkey !== undefined) changes.sortKey = params.sortkey;
		if (params.displayoffering !== undefined) changes.displayOffering = params.displayoffering;
		if (params.tags !== undefined) changes.tags = params.tags.trim() || null;
		if (params.state !== undefined) changes.state = parseOfferingState(params.state);

		assertMayManage(caller, await domainsOf(deps.db, offering.domainIds), "update", "disk offering");
		const domainList = updateList(params.domainid, "public");
		if (domainList !== undefined) {
			const rows = await resolveDomains(deps.db, domainList);
			assertMayManage(caller, rows, "update", "disk offering");
			changes.domainIds = joinIds(rows.map((d) => d.id));
		}
		const zoneList = updateList(params.zoneid, "all");
		if (zoneList !== undefined) changes.zoneIds = joinIds(await resolveZones(deps.db, zoneList));

		const row = { ...offering, ...changes };
		const event = eventInsert(deps.db, deps.clock.now(), caller, {
			type: "DISK.OFFERING.EDIT",
			description: `Disk offering ${row.name} updated`,
			resourceType: "DiskOffering",
			resourceId: row.id,
			resourceName: row.name,
		});
		// drizzle refuses an empty SET: a call that changes nothing only records the event.
		if (Object.keys(changes).length === 0) await event;
		else
			await deps.db.batch([deps.db.update(diskOfferings).set(changes).where(eq(diskOfferings.id, offering.id)), event]);
		return { type: "object", name: "diskoffering", value: await diskOfferingResponse(deps.db, row) };
	},
});
