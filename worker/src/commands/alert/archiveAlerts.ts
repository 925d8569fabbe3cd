import { and, eq } from "drizzle-orm";
import { alerts } from "../../db/schema";
import { defineCommand } from "../define";
import { bulkParams } from "../event/bulk-selection";
import { alertTargets } from "./alert-selection";

export const archiveAlerts = defineCommand({
	name: "archiveAlerts",
	description: "Archive one or more alerts.",
	access: "authenticated",
	authorized: ["Admin"],
	params: bulkParams("archive", "alerts", "listAlerts"),
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps }) {
		const wheres = await alertTargets(deps.db, params);
		const [first, ...rest] = wheres.map((where) =>
			deps.db
				.update(alerts)
				.set({ archived: true })
				.where(and(where, eq(alerts.archived, false))),
		);
		if (first) await deps.db.batch([first, ...rest]);
		return { type: "success" };
	},
});
