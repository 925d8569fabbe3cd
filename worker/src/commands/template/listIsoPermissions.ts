import { defineCommand } from "../define";
import { p } from "../param-spec";
import { listImagePermissions, PERMISSION_FIELDS } from "./image-permissions";
import { ISO } from "./image-rules";

export const listIsoPermissions = defineCommand({
	name: "listIsoPermissions",
	description: "List ISO visibility and all accounts that have permissions to view this ISO.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	responseName: "listtemplatepermissionsresponse",
	params: {
		id: p.uuid("the ISO ID", { required: true, related: "listIsos" }),
	},
	responseFields: PERMISSION_FIELDS,
	related: ["updateIsoPermissions"],
	async handle({ params, deps, caller }) {
		return listImagePermissions(ISO, { deps, caller }, params.id);
	},
});
