import { events } from "../../db/schema";
import { defineCommand } from "../define";
import { bulkParams } from "./bulk-selection";
import { eventTargets } from "./event-selection";

/** Deletes the selected events, archived or not (CloudStack deletes only unarchived ones). */
export const deleteEvents = defineCommand({
	name: "deleteEvents",
	description: "Delete one or more events.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: bulkParams("delete", "events", "listEvents"),
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const wheres = await eventTargets(deps.db, caller, params, "delete");
		const [first, ...rest] = wheres.map((where) => deps.db.delete(events).where(where));
		if (first) await deps.db.batch([first, ...rest]);
		return { type: "success" };
	},
});
