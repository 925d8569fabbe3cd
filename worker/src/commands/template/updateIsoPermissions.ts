import { defineCommand } from "../define";
import { permissionUpdateParams, updateImagePermissions } from "./image-permissions";
import { ISO } from "./image-rules";

export const updateIsoPermissions = defineCommand({
	name: "updateIsoPermissions",
	description:
		"Updates a ISO's permissions: share it with accounts of the owner's domain (op add/remove/reset), make it public, featured (root admins) or extractable",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: permissionUpdateParams,
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	related: ["listIsoPermissions"],
	async handle({ params, deps, caller }) {
		return updateImagePermissions(ISO, { deps, caller }, params);
	},
});
