import { roleAllows } from "../../domain/roles";
import { defineCommand } from "../define";
import { type ParamSpec, p } from "../param-spec";
import { commands } from "../registry";
import type { AnyCommand } from "../types";

const API_FIELDS = {
	name: ["string", "the name of the api command"],
	description: ["string", "description of the api"],
	since: ["string", "version of CloudStack the api was introduced in"],
	isasync: ["boolean", "true if api is asynchronous"],
	related: ["string", "comma separated related apis"],
	params: ["list", "the list params the api accepts"],
	response: ["list", "api response fields"],
} as const;

function describe(command: AnyCommand): Record<string, unknown> {
	return {
		name: command.name,
		description: command.description,
		...(command.since ? { since: command.since } : {}),
		isasync: command.access === "authenticated" && command.async !== undefined,
		...(command.related?.length ? { related: command.related.join(",") } : {}),
		params: Object.entries(command.params as Record<string, ParamSpec<unknown>>).map(([name, spec]) => ({
			name,
			description: spec.description,
			type: spec.type,
			length: spec.length,
			required: spec.required,
			...(spec.since ? { since: spec.since } : {}),
			...(spec.related ? { related: spec.related } : {}),
		})),
		response: Object.entries(command.responseFields).map(([name, [type, description]]) => ({
			name,
			description,
			type,
		})),
	};
}

export const listApis = defineCommand({
	name: "listApis",
	description: "lists all available apis on the server, provided by the Api Discovery plugin",
	since: "4.1.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: { name: p.string("API name") },
	responseFields: API_FIELDS,
	async handle({ params, caller }) {
		const role = { id: caller.roleId, type: caller.roleType, rules: caller.roleRules };
		const visible = [...commands.values()].filter(
			(c) =>
				(params.name === undefined || c.name === params.name) &&
				(c.access === "session" || roleAllows(role, c.name, c.authorized)),
		);
		const items = visible.map(describe);
		return { type: "list", name: "api", items, count: items.length };
	},
});
