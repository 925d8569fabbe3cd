import { SETTINGS, type SettingName } from "../../domain/settings";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { CONFIGURATION_FIELDS, configurationView } from "./configuration-view";

export const listConfigurations = defineCommand({
	name: "listConfigurations",
	description: "Lists all configurations (global settings) with their current and default values",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		category: p.string("lists configurations by category"),
		name: p.string("lists configuration by name"),
		...pagingParams,
	},
	responseFields: CONFIGURATION_FIELDS,
	related: ["updateConfiguration"],
	async handle({ params, deps }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const keyword = params.keyword?.toLowerCase();
		const matching = SETTINGS.filter(
			(s) =>
				(!params.name || s.name === params.name) &&
				(!params.category || s.category.toLowerCase() === params.category.toLowerCase()) &&
				(!keyword || s.name.includes(keyword)),
		);
		const items = matching
			.slice(offset, offset + limit)
			.map((s) => configurationView(s, deps.settings.get(s.name as SettingName)));
		return { type: "list", name: "configuration", items, count: matching.length };
	},
});
