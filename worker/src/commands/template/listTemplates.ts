import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { TEMPLATE } from "./image-rules";
import { imageListParams, listImages, parseFilter } from "./list-images";

export const listTemplates = defineCommand({
	name: "listTemplates",
	description: "List all public, private, and privileged templates: one item per template and zone",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		templatefilter: p.string(
			"featured, self (registered by you), selfexecutable (yours, ready), sharedexecutable (shared with you, ready), executable (all you can use), community (public, not featured), shared, all (admins)",
			{ required: true },
		),
		hypervisor: p.string("the hypervisor for which to restrict the search"),
		templatetype: p.string("the type of the template: USER, SYSTEM, BUILTIN", { since: "4.19.0" }),
		...imageListParams,
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["registerTemplate", "updateTemplate", "deleteTemplate"],
	async handle({ params, deps, caller }) {
		const filter = parseFilter(params.templatefilter, "templatefilter");
		return listImages(TEMPLATE, { deps, caller }, filter, "templatefilter", params);
	},
});
