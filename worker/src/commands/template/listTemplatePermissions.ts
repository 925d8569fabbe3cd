import { defineCommand } from "../define";
import { p } from "../param-spec";
import { listImagePermissions, PERMISSION_FIELDS } from "./image-permissions";
import { TEMPLATE } from "./image-rules";

export const listTemplatePermissions = defineCommand({
	name: "listTemplatePermissions",
	description: "List template visibility and all accounts that have permissions to view this template.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	responseName: "listtemplatepermissionsresponse",
	params: {
		id: p.uuid("the template ID", { required: true, related: "listTemplates" }),
	},
	responseFields: PERMISSION_FIELDS,
	related: ["updateTemplatePermissions"],
	async handle({ params, deps, caller }) {
		return listImagePermissions(TEMPLATE, { deps, caller }, params.id);
	},
});
