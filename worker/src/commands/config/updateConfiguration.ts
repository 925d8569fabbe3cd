import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { configuration } from "../../db/schema";
import { SETTINGS_BY_NAME, validateSettingValue } from "../../domain/settings";
import { parseAnyCidr } from "../../webhooks/egress";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { CONFIGURATION_FIELDS, configurationView } from "./configuration-view";

export const updateConfiguration = defineCommand({
	name: "updateConfiguration",
	description: "Updates a configuration (global setting); without value it returns to its default",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("the name of the configuration", { required: true }),
		value: p.string("the value of the configuration", { length: 4096 }),
	},
	responseFields: CONFIGURATION_FIELDS,
	related: ["listConfigurations"],
	async handle({ params, deps, caller }) {
		const setting = SETTINGS_BY_NAME.get(params.name);
		if (!setting) throw new CsError(ERROR.paramError, `Configuration ${params.name} does not exist`);
		const value = params.value?.trim() || setting.defaultValue;
		const problem = validateSettingValue(setting, value);
		if (problem) throw new CsError(ERROR.paramError, problem);
		const badCidr = setting.cidrList ? value.split(",").find((c) => c.trim() !== "" && !parseAnyCidr(c)) : undefined;
		if (badCidr !== undefined) {
			throw new CsError(ERROR.paramError, `${badCidr.trim()} is not a CIDR (a.b.c.d/n or v6::/n) for ${setting.name}`);
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db
				.insert(configuration)
				.values({ name: setting.name, value, updated: now })
				.onConflictDoUpdate({ target: configuration.name, set: { value, updated: now } }),
			eventInsert(deps.db, now, caller, {
				type: "CONFIGURATION.VALUE.EDIT",
				description: `Value of ${setting.name} changed to ${value}`,
				resourceType: "Configuration",
				resourceName: setting.name,
			}),
		]);
		deps.invalidateSettings();
		return { type: "object", name: "configuration", value: configurationView(setting, value) };
	},
});
