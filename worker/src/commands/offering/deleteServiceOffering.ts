import { defineCommand } from "../define";
import { p } from "../param-spec";
import { deleteOffering, SERVICE_OFFERING } from "./offering-lifecycle";
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
		await deleteOffering(SERVICE_OFFERING, { deps, caller }, await requireServiceOffering(deps.db, params.id));
		return { type: "success" };
	},
});
