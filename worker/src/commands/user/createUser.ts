import { CsError, ERROR } from "../../api/errors";
import { USER_FIELDS } from "../../api/serializers/account";
import { eventInsert } from "../../db/events";
import { userView } from "../../db/repos/account-views";
import { usernameTaken } from "../../db/repos/accounts";
import { users } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { managedAccount } from "../account/managed-account";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { newUserParams, newUserRow, validateNewUser } from "./new-user";

export const createUser = defineCommand({
	name: "createUser",
	description: "Creates a user for an account that already exists",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		account: p.string(
			"Creates the user under the specified account. If no account is specified, the username will be used as the account name.",
			{ required: true },
		),
		domainid: p.uuid("Creates the user under the specified domain. Has to be accompanied with the account parameter", {
			related: "listDomains",
		}),
		...newUserParams,
	},
	responseFields: USER_FIELDS,
	related: ["listUsers", "updateUser"],
	async handle({ params, deps, caller }) {
		const ref = { account: params.account, domainid: params.domainid ?? caller.domainId };
		const account = await managedAccount(deps.db, caller, ref);
		validateNewUser(params);
		if (await usernameTaken(deps.db, account.domainId, params.username)) {
			throw new CsError(ERROR.paramError, `The user ${params.username} already exists in domain ${account.domainId}`);
		}
		const id = params.userid?.toLowerCase() ?? newUuid();
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.insert(users).values(await newUserRow(id, params, account, now)),
			eventInsert(deps.db, now, caller, {
				type: "USER.CREATE",
				description: `User ${params.username} created in account ${account.name}`,
				resourceType: "User",
				resourceId: id,
				resourceName: params.username,
			}),
		]);
		return { type: "object", name: "user", value: await userView(deps.db, id) };
	},
});
