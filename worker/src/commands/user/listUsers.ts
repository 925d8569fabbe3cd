import { and, eq, inArray, isNull, like, type SQL } from "drizzle-orm";
import { USER_FIELDS } from "../../api/serializers/account";
import { userPage } from "../../db/repos/account-views";
import { scopeCondition } from "../../db/repos/scope";
import { accounts, users } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listUsers = defineCommand({
	name: "listUsers",
	description: "Lists user accounts; secret keys are never listed",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		accounttype: p.integer(
			"List users by account type. Valid types include admin, domain-admin, read-only-admin, or user.",
		),
		id: p.uuid("List user by ID.", { related: "listUsers" }),
		state: p.string("List users by state of the user account."),
		username: p.string("List user by the username"),
		apikeyaccess: p.string("List users by the Api key access value", { since: "4.20.1.0" }),
		usersource: p.string(
			"List users by their authentication source. Valid values are: native, ldap, saml2 and saml2disabled.",
			{ since: "4.21.0.0" },
		),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: USER_FIELDS,
	related: ["createUser", "updateUser"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			isNull(users.removed),
			await scopeCondition(deps.db, caller, params, { accountId: users.accountId, domainId: users.domainId }),
		];
		if (params.id) filters.push(eq(users.id, params.id));
		if (params.username) filters.push(eq(users.username, params.username));
		if (params.state) filters.push(eq(users.state, params.state.toLowerCase()));
		if (params.apikeyaccess) filters.push(eq(users.apiKeyAccess, params.apikeyaccess));
		if (params.usersource && params.usersource.toLowerCase() !== "native") filters.push(eq(users.id, ""));
		if (params.accounttype !== undefined) {
			filters.push(
				inArray(
					users.accountId,
					deps.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.type, params.accounttype)),
				),
			);
		}
		if (params.keyword) filters.push(like(users.username, `%${params.keyword}%`));
		const page = await userPage(deps.db, and(...filters), { limit, offset });
		return { type: "list", name: "user", ...page };
	},
});
