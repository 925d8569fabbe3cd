import { alerts } from "../../db/schema";
import { defineCommand } from "../define";
import { bulkParams } from "../event/bulk-selection";
import { alertTargets } from "./alert-selection";

export const deleteAlerts = defineCommand({
	name: "deleteAlerts",
	description: "Delete one or more alerts.",
	access: "authenticated",
	authorized: ["Admin"],
	params: bulkParams("delete", "alerts", "listAlerts"),
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps }) {
		const wheres = await alertTargets(deps.db, params);
		const [first, ...rest] = wheres.map((where) => deps.db.delete(alerts).where(where));
		if (first) await deps.db.batch([first, ...rest]);
		return { type: "success" };
	},
});
