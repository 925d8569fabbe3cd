import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { SERVICE_OFFERING_FIELDS } from "../../api/serializers/service-offering";
import { eventInsert } from "../../db/events";
import { serviceOfferings } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import {
	assertMayManage,
	domainsOf,
	joinIds,
	parseOfferingState,
	resolveDomains,
	resolveZones,
	updateList,
} from "./offering-rules";
import { requireServiceOffering, serviceOfferingResponse } from "./service-offering-view";

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
		const changes: Partial<typeof serviceOfferings.$inferInsert> = {};
		if (params.name !== undefined) {
			const name = params.name.trim();
			if (name === "") throw new CsError(ERROR.paramError, "The service offering name must not be empty");
			changes.name = name;
		}
		if (params.displaytext !== undefined && params.displaytext.trim() !== "") changes.displayText = params.displaytext;
		if (params.sortkey !== undefined) changes.sortKey = params.sortkey;
		if (params.storagetags !== undefined) changes.storageTags = params.storagetags.trim() || null;
		if (params.hosttags !== undefined) changes.hostTags = params.hosttags.trim() || null;
		if (params.state !== undefined) changes.state = parseOfferingState(params.state);

		const current = await domainsOf(deps.db, offering.domainIds);
		assertMayManage(caller, current, "update", "service offering");
		const domainList = updateList(params.domainid, "public");
		if (domainList !== undefined) {
			const rows = await resolveDomains(deps.db, domainList);
			assertMayManage(caller, rows, "update", "service offering");
			changes.domainIds = joinIds(rows.map((d) => d.id));
		}
		const zoneList = updateList(params.zoneid, "all");
		if (zoneList !== undefined) changes.zoneIds = joinIds(await resolveZones(deps.db, zoneList));

		const row = { ...offering, ...changes };
		const now = deps.clock.now();
		const event = eventInsert(deps.db, now, caller, {
			type: "SERVICE.OFFERING.EDIT",
			description: `Service offering ${row.name} updated`,
			resourceType: "ServiceOffering",
			resourceId: row.id,
			resourceName: row.name,
		});
		// drizzle refuses an empty SET: a call that changes nothing only records the event.
		if (Object.keys(changes).length === 0) await event;
		else
			await deps.db.batch([
				deps.db.update(serviceOfferings).set(changes).where(eq(serviceOfferings.id, offering.id)),
				event,
			]);
		return { type: "object", name: "serviceoffering", value: await serviceOfferingResponse(deps.db, row) };
	},
});
