import { EVENT_TYPES } from "../../domain/event-types";
import { defineCommand } from "../define";

export const listEventTypes = defineCommand({
	name: "listEventTypes",
	description: "List Event Types",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {},
	responseFields: { name: ["string", "Event Type"] },
	async handle() {
		const items = EVENT_TYPES.map((name) => ({ name }));
		return { type: "list", name: "eventtype", items, count: items.length };
	},
});
