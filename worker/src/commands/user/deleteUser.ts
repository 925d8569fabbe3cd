import { eq } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { userCleanup } from "../../db/repos/owned-resources";
import { sessions, users } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedUser } from "./managed-user";

export const deleteUser = defineCommand({
	name: "deleteUser",
	description: "Deletes a user for an account",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: { id: p.uuid("id of the user to be deleted", { required: true, related: "listUsers" }) },
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	async handle({ params, deps, caller }) {
		const { user, isSelf } = await managedUser(deps.db, caller, params.id, false);
		if (isSelf || user.isDefault)
			throw permissionDenied("The default admin user and the caller itself cannot be deleted");
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(sessions).where(eq(sessions.userId, user.id)),
			deps.db.update(users).set({ removed: now, apiKey: null, secretKeyEnc: null }).where(eq(users.id, user.id)),
			...userCleanup(deps.db, user.id),
			eventInsert(deps.db, now, caller, {
				type: "USER.DELETE",
				description: `User ${user.username} deleted`,
				resourceType: "User",
				resourceId: user.id,
				resourceName: user.username,
			}),
		]);
		return { type: "success" };
	},
});
