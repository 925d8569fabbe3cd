import { defineCommand } from "../define";
import { p } from "../param-spec";
import { deleteImage } from "./delete-image";
import { TEMPLATE } from "./image-rules";

export const deleteTemplate = defineCommand({
	name: "deleteTemplate",
	description:
		"Deletes a template from the system (or from one zone): its files on secondary storage and on primary pools are removed",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.template.DeleteTemplateCmd", instanceType: "Template" },
	params: {
		id: p.uuid("the ID of the template", { required: true, related: "listTemplates" }),
		zoneid: p.uuid("the ID of zone of the template (all zones when absent)", { related: "listZones" }),
		forced: p.boolean("Force delete a template (accepted: no VM uses templates yet)", { since: "4.9+" }),
		issystem: p.boolean("accepted and ignored: flarestack has no system VM templates", { since: "4.20.0" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["registerTemplate", "listTemplates"],
	async handle({ params, deps, caller }) {
		return deleteImage(TEMPLATE, { deps, caller }, params);
	},
});
