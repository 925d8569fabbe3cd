import { OS_CATEGORY_FIELDS, serializeOsCategory } from "../../api/serializers/catalog";
import { OS_CATEGORIES } from "../../domain/os-types";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { containsText, pageOf } from "./page";

export const listOsCategories = defineCommand({
	name: "listOsCategories",
	description: "Lists all supported OS categories for this cloud.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("list Os category by id", { related: "listOsCategories" }),
		name: p.string("list os category by name (case-insensitive)", { since: "3.0.1" }),
		isfeatured: p.boolean("List available OS categories by featured or not", { since: "4.21.0" }),
		...pagingParams,
	},
	responseFields: OS_CATEGORY_FIELDS,
	related: ["listOsTypes"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const name = params.name?.trim().toLowerCase();
		const matches = OS_CATEGORIES.filter(
			(c) =>
				(params.id === undefined || c.id === params.id) &&
				(name === undefined || c.name.toLowerCase() === name) &&
				(params.isfeatured === undefined || c.isFeatured === params.isfeatured) &&
				(params.keyword === undefined || containsText(c.name, params.keyword)),
		);
		const { page, count } = pageOf(matches, window);
		return { type: "list", name: "oscategory", items: page.map(serializeOsCategory), count };
	},
});
