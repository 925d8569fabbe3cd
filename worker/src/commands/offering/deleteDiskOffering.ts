import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireDiskOffering } from "./disk-offering-view";
import { DISK_OFFERING, deleteOffering } from "./offering-lifecycle";

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
		await deleteOffering(DISK_OFFERING, { deps, caller }, await requireDiskOffering(deps.db, params.id));
		return { type: "success" };
	},
});
