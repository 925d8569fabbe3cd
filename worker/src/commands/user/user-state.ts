/** @module enableUser / disableUser: a state change, its event, and ending sessions on disable. */
import { eq } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { userView } from "../../db/repos/account-views";
import { sessions, users } from "../../db/schema";
import type { Caller } from "../../domain/access";
import type { Deps } from "../types";
import { managedUser } from "./managed-user";

export async function setUserState(
	deps: Deps,
	caller: Caller,
	id: string,
	state: "enabled" | "disabled",
): Promise<Record<string, unknown>> {
	const { user, isSelf } = await managedUser(deps.db, caller, id, false);
	if (state === "disabled" && (isSelf || user.isDefault)) {
		throw permissionDenied("The default admin user and the caller itself cannot be disabled");
	}
	const now = deps.clock.now();
	await deps.db.batch([
		deps.db.update(users).set({ state, loginFailures: 0 }).where(eq(users.id, user.id)),
		...(state === "disabled" ? [deps.db.delete(sessions).where(eq(sessions.userId, user.id))] : []),
		eventInsert(deps.db, now, caller, {
			type: state === "enabled" ? "USER.ENABLE" : "USER.DISABLE",
			description: `User ${user.username} ${state}`,
			resourceType: "User",
			resourceId: user.id,
			resourceName: user.username,
		}),
	]);
	return userView(deps.db, user.id);
}
