/** @module A setting as CloudStack's `configuration` response shows it. */
import type { SettingDefinition } from "../../domain/settings";

export const CONFIGURATION_FIELDS = {
	name: ["string", "the name of the configuration"],
	category: ["string", "the category of the configuration"],
	value: ["string", "the value of the configuration"],
	defaultvalue: ["string", "the default value of the configuration"],
	description: ["string", "the description of the configuration"],
	scope: ["string", "scope(zone/cluster/pool/account) of the parameter that needs to be updated"],
	type: ["string", "the type of the configuration value"],
	isdynamic: ["boolean", "true if the configuration is dynamic"],
	component: ["string", "the component of the configuration"],
	group: ["string", "the name of the parent configuration group"],
} as const;

export function configurationView(setting: SettingDefinition, value: string): Record<string, unknown> {
	return {
		name: setting.name,
		category: setting.category,
		value,
		defaultvalue: setting.defaultValue,
		description: setting.description,
		scope: "global",
		type: setting.type,
		isdynamic: true,
		component: setting.component,
		group: "Miscellaneous",
	};
}
