import { defineCommand } from "../define";
import { EXTRACT_FIELDS, extractImage, extractParams } from "./extract-image";
import { TEMPLATE } from "./image-rules";

export const extractTemplate = defineCommand({
	name: "extractTemplate",
	description: "Extracts a template: answers a time-limited download link to its copy on secondary storage",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.template.ExtractTemplateCmd", instanceType: "Template" },
	params: extractParams,
	responseFields: EXTRACT_FIELDS,
	related: ["listTemplates"],
	async handle({ params, deps, caller, request }) {
		return extractImage(TEMPLATE, { deps, caller, request }, params);
	},
});
