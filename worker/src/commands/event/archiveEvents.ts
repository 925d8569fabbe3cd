import { and, eq } from "drizzle-orm";
import { events } from "../../db/schema";
import { defineCommand } from "../define";
import { bulkParams } from "./bulk-selection";
import { eventTargets } from "./event-selection";

export const archiveEvents = defineCommand({
	name: "archiveEvents",
	description: "Archive one or more events.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: bulkParams("archive", "events", "listEvents"),
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const wheres = await eventTargets(deps.db, caller, params, "archive");
		const [first, ...rest] = wheres.map((where) =>
			deps.db
				.update(events)
				.set({ archived: true })
				.where(and(where, eq(events.archived, false))),
		);
		if (first) await deps.db.batch([first, ...rest]);
		return { type: "success" };
	},
});
