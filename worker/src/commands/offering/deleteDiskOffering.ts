import { eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { deleteTagsOf } from "../../db/repos/tags";
import { diskOfferings } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireDiskOffering } from "./disk-offering-view";
import { diskOfferingInUse } from "./in-use";
import { assertMayManage, domainsOf } from "./offering-rules";

export const deleteDiskOffering = defineCommand({
	name: "deleteDiskOffering",
	description:
		"Deletes a disk offering. One still in use (by a service offering's root disk, later by volumes) is only deactivated (state Inactive)",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("ID of the disk offering", { required: true, related: "listDiskOfferings" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["listDiskOfferings", "createDiskOffering"],
	async handle({ params, deps, caller }) {
		const offering = await requireDiskOffering(deps.db, params.id);
		assertMayManage(caller, await domainsOf(deps.db, offering.domainIds), "delete", "disk offering");
		const inUse = await diskOfferingInUse(deps.db, offering.id);
		const now = deps.clock.now();
		const event = eventInsert(deps.db, now, caller, {
			type: "DISK.OFFERING.DELETE",
			description: inUse
				? `Disk offering ${offering.name} is in use: deactivated instead of deleted`
				: `Disk offering ${offering.name} deleted`,
			resourceType: "DiskOffering",
			resourceId: offering.id,
			resourceName: offering.name,
		});
		const where = eq(diskOfferings.id, offering.id);
		if (inUse) {
			await deps.db.batch([deps.db.update(diskOfferings).set({ state: "Inactive" }).where(where), event]);
		} else {
			await deps.db.batch([
				deps.db.update(diskOfferings).set({ state: "Inactive", removed: now }).where(where),
				deleteTagsOf(deps.db, "DiskOffering", offering.id),
				event,
			]);
		}
		return { type: "success" };
	},
});
