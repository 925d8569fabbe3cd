import { OS_TYPE_FIELDS, serializeOsType } from "../../api/serializers/catalog";
import { findOsCategory, OS_TYPES } from "../../domain/os-types";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { containsText, pageOf } from "./page";

export const listOsTypes = defineCommand({
	name: "listOsTypes",
	description: "Lists all supported OS types for this cloud.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("list by Os type Id", { related: "listOsTypes" }),
		oscategoryid: p.uuid("list by Os Category id", { related: "listOsCategories" }),
		description: p.string("list os by description (exact, case-insensitive)", { since: "3.0.1" }),
		fordisplay: p.boolean("list resources by display flag (every seeded OS type is displayed)", { since: "4.18.1" }),
		...pagingParams,
	},
	responseFields: OS_TYPE_FIELDS,
	related: ["listOsCategories"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const description = params.description?.trim().toLowerCase();
		const matches = OS_TYPES.filter(
			(t) =>
				(params.id === undefined || t.id === params.id) &&
				(params.oscategoryid === undefined || t.categoryId === params.oscategoryid) &&
				(description === undefined || t.description.toLowerCase() === description) &&
				(params.keyword === undefined || containsText(t.description, params.keyword)) &&
				params.fordisplay !== false,
		);
		const { page, count } = pageOf(matches, window);
		const items = page.map((t) => serializeOsType(t, findOsCategory(t.categoryId)));
		return { type: "list", name: "ostype", items, count };
	},
});
