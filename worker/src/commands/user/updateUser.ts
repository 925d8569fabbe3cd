import { and, eq, ne } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { USER_FIELDS } from "../../api/serializers/account";
import { eventInsert } from "../../db/events";
import { userView } from "../../db/repos/account-views";
import { usernameTaken } from "../../db/repos/accounts";
import { sessions, users } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { hashPassword, verifyPassword } from "../../lib/crypto";
import { API_KEY_ACCESS } from "../account/updateAccount";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedUser } from "./managed-user";
import { validateNewUser } from "./new-user";
import { storeKeyPair } from "./user-keys";

export const updateUser = defineCommand({
	name: "updateUser",
	description: "Updates a user account; users may update themselves (a password change needs currentpassword)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("User uuid", { required: true, related: "listUsers" }),
		email: p.string("email"),
		firstname: p.string("first name"),
		lastname: p.string("last name"),
		password: p.string(
			"Clear text password (default hashed to SHA256SALT). If you wish to use any other hashing algorithm, you would need to write a custom authentication adapter. Can't be passed when command is executed via integration.api.port",
		),
		currentpassword: p.string(
			"Current password that was being used by the user. You must inform the current password when updating the password.",
			{ since: "4.19.0" },
		),
		timezone: p.string(
			"Specifies a timezone for this command. For more information on the timezone parameter, see TimeZone Format.",
		),
		username: p.string("Unique username"),
		userapikey: p.string("The API key for the user. Must be specified with userSecretKey"),
		usersecretkey: p.string("The secret key for the user. Must be specified with userApiKey"),
		apikeyaccess: p.string(
			"Determines if Api key access for this user is enabled, disabled or inherits the value from its parent, the owning account",
			{ since: "4.20.1.0" },
		),
	},
	responseFields: USER_FIELDS,
	related: ["listUsers", "createUser"],
	async handle({ params, deps, caller }) {
		const { user, isSelf } = await managedUser(deps.db, caller, params.id, true);
		const changes: Partial<typeof users.$inferInsert> = {};
		if (params.email !== undefined) changes.email = params.email;
		if (params.firstname !== undefined) changes.firstName = params.firstname;
		if (params.lastname !== undefined) changes.lastName = params.lastname;
		if (params.timezone !== undefined) changes.timezone = params.timezone || null;
		if (params.username !== undefined && params.username !== user.username) {
			if (await usernameTaken(deps.db, user.domainId, params.username)) {
				throw new CsError(ERROR.paramError, `The user ${params.username} already exists in domain ${user.domainId}`);
			}
			changes.username = params.username;
		}
		validateNewUser({
			username: changes.username ?? user.username,
			password: params.password ?? "unchanged",
			email: changes.email ?? user.email,
		});
		if (params.password !== undefined) {
			if (isSelf && !(await verifyPassword(params.currentpassword ?? "", user.passwordHash))) {
				throw new CsError(
					ERROR.paramError,
					"Current password is incorrect; it is required to change your own password",
				);
			}
			changes.passwordHash = await hashPassword(params.password);
		}
		if (params.apikeyaccess !== undefined) {
			if (isSelf && !isRootAdmin(caller)) throw permissionDenied("Users cannot change their own API key access");
			if (!API_KEY_ACCESS.includes(params.apikeyaccess)) {
				throw new CsError(ERROR.paramError, "apikeyaccess must be one of Enabled, Disabled, Inherit");
			}
			changes.apiKeyAccess = params.apikeyaccess;
		}
		if ((params.userapikey === undefined) !== (params.usersecretkey === undefined)) {
			throw new CsError(ERROR.paramError, "Please specify both userapikey and usersecretkey");
		}
		const now = deps.clock.now();
		const keyUpdate =
			params.userapikey !== undefined && params.usersecretkey !== undefined
				? await storeKeyPair(deps.db, deps.secrets, user.id, {
						apikey: params.userapikey,
						secretkey: params.usersecretkey,
					})
				: [];
		await deps.db.batch([
			eventInsert(deps.db, now, caller, {
				type: "USER.UPDATE",
				description: `User ${user.username} updated`,
				resourceType: "User",
				resourceId: user.id,
				resourceName: changes.username ?? user.username,
			}),
			...(Object.keys(changes).length ? [deps.db.update(users).set(changes).where(eq(users.id, user.id))] : []),
			...keyUpdate,
			// A new password ends the user's other sessions; the one that changed it goes on.
			...(changes.passwordHash
				? [deps.db.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.id, caller.sessionId ?? "")))]
				: []),
		]);
		return { type: "object", name: "user", value: await userView(deps.db, user.id) };
	},
});
