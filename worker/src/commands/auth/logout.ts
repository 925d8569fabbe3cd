import { eq } from "drizzle-orm";
import { expiredSessionCookies } from "../../api/cookies";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { accounts, sessions, users } from "../../db/schema";
import { defineCommand } from "../define";

export const logout = defineCommand({
	name: "logout",
	description: "Logs out the user",
	access: "session",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {},
	responseFields: { description: ["string", "success if the logout action succeeded"] },
	async handle({ deps, request, cookies }) {
		const [session] = await deps.db
			.select({
				id: sessions.id,
				userId: users.id,
				username: users.username,
				accountId: accounts.id,
				domainId: accounts.domainId,
			})
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.innerJoin(accounts, eq(accounts.id, users.accountId))
			.where(eq(sessions.id, cookies.JSESSIONID ?? ""))
			.limit(1);
		if (!session) throw new CsError(ERROR.paramError, "No session found to log out of");
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(sessions).where(eq(sessions.id, session.id)),
			eventInsert(deps.db, now, null, {
				type: "USER.LOGOUT",
				description: "user has logged out",
				resourceType: "User",
				resourceId: session.userId,
				resourceName: session.username,
				owner: session,
			}),
		]);
		return { type: "fields", value: { description: "success" }, setCookies: expiredSessionCookies(request.secure) };
	},
});
