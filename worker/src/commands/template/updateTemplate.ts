import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { TEMPLATE } from "./image-rules";
import { imageUpdateParams, updateImage } from "./update-image";

export const updateTemplate = defineCommand({
	name: "updateTemplate",
	description: "Updates attributes of a template.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		...imageUpdateParams,
		templatetag: p.string("the tag for this template (root admins)", { since: "4.20.0" }),
		templatetype: p.string("the type of the template: USER, SYSTEM or BUILTIN (root admins)"),
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["listTemplates", "registerTemplate"],
	async handle({ params, deps, caller }) {
		return updateImage(TEMPLATE, { deps, caller }, params);
	},
});
