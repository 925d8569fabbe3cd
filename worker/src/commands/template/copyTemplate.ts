import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { copyImage, imageCopyParams } from "./copy-image";
import { TEMPLATE } from "./image-rules";

export const copyTemplate = defineCommand({
	name: "copyTemplate",
	description:
		"Copies a template to other zones: each destination zone's relay agent downloads it from its URL (same checksum and checks)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.template.CopyTemplateCmd", instanceType: "Template" },
	params: imageCopyParams,
	responseFields: TEMPLATE_FIELDS,
	related: ["listTemplates", "registerTemplate"],
	async handle({ params, deps, caller }) {
		return copyImage(TEMPLATE, { deps, caller }, params);
	},
});
