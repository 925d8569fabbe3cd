import { eventInsert } from "../../db/events";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedUser } from "./managed-user";
import { newKeyPair, storeKeyPair, USER_KEYS_FIELDS } from "./user-keys";

export const registerUserKeys = defineCommand({
	name: "registerUserKeys",
	description:
		"Generates a new API key and secret key for a user, replacing any previous pair; the secret is shown in this response and to getUserKeys only",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: { id: p.uuid("User id", { required: true, related: "listUsers" }) },
	responseFields: USER_KEYS_FIELDS,
	related: ["getUserKeys"],
	async handle({ params, deps, caller }) {
		const { user } = await managedUser(deps.db, caller, params.id, true);
		const pair = newKeyPair();
		const now = deps.clock.now();
		await deps.db.batch([
			eventInsert(deps.db, now, caller, {
				type: "REGISTER.USER.KEY",
				description: `New API keys registered for user ${user.username}`,
				resourceType: "User",
				resourceId: user.id,
				resourceName: user.username,
			}),
			...(await storeKeyPair(deps.db, deps.secrets, user.id, pair)),
		]);
		return { type: "object", name: "userkeys", value: { ...pair, apikeyaccess: user.apiKeyAccess } };
	},
});
