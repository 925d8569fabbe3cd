import { defineCommand } from "../define";
import { permissionUpdateParams, updateImagePermissions } from "./image-permissions";
import { TEMPLATE } from "./image-rules";

export const updateTemplatePermissions = defineCommand({
	name: "updateTemplatePermissions",
	description:
		"Updates a template's permissions: share it with accounts of the owner's domain (op add/remove/reset), make it public, featured (root admins) or extractable",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: permissionUpdateParams,
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	related: ["listTemplatePermissions"],
	async handle({ params, deps, caller }) {
		return updateImagePermissions(TEMPLATE, { deps, caller }, params);
	},
});
