import { ALERT_TYPES } from "../../domain/alert-types";
import { defineCommand } from "../define";

export const listAlertTypes = defineCommand({
	name: "listAlertTypes",
	description: "Lists all alerts types",
	access: "authenticated",
	authorized: ["Admin"],
	params: {},
	responseFields: {
		alerttypeid: ["short", "the id of the alert type"],
		name: ["string", "description of alert type"],
	},
	async handle() {
		const items = ALERT_TYPES.map((t) => ({ alerttypeid: t.id, name: t.name }));
		return { type: "list", name: "alerttype", items, count: items.length };
	},
});
