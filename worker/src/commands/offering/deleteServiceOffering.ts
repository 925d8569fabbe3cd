import { eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { deleteTagsOf } from "../../db/repos/tags";
import { serviceOfferings } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { serviceOfferingInUse } from "./in-use";
import { assertMayManage, domainsOf } from "./offering-rules";
import { requireServiceOffering } from "./service-offering-view";

export const deleteServiceOffering = defineCommand({
	name: "deleteServiceOffering",
	description:
		"Deletes a service offering. One still used by VMs is only deactivated (state Inactive): existing VMs keep it, new ones cannot use it",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the service offering", { required: true, related: "listServiceOfferings" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["listServiceOfferings", "createServiceOffering"],
	async handle({ params, deps, caller }) {
		const offering = await requireServiceOffering(deps.db, params.id);
		assertMayManage(caller, await domainsOf(deps.db, offering.domainIds), "delete", "service offering");
		const inUse = await serviceOfferingInUse(deps.db, offering.id);
		const now = deps.clock.now();
		const event = eventInsert(deps.db, now, caller, {
			type: "SERVICE.OFFERING.DELETE",
			description: inUse
				? `Service offering ${offering.name} is in use: deactivated instead of deleted`
				: `Service offering ${offering.name} deleted`,
			resourceType: "ServiceOffering",
			resourceId: offering.id,
			resourceName: offering.name,
		});
		const where = eq(serviceOfferings.id, offering.id);
		if (inUse) {
			await deps.db.batch([deps.db.update(serviceOfferings).set({ state: "Inactive" }).where(where), event]);
		} else {
			await deps.db.batch([
				deps.db.update(serviceOfferings).set({ state: "Inactive", removed: now }).where(where),
				deleteTagsOf(deps.db, "ServiceOffering", offering.id),
				event,
			]);
		}
		return { type: "success" };
	},
});
