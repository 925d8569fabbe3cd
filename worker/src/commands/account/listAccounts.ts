import { and, eq, isNull, like, type SQL } from "drizzle-orm";
import { ACCOUNT_FIELDS } from "../../api/serializers/account";
import { accountPage } from "../../db/repos/account-views";
import { scopeCondition } from "../../db/repos/scope";
import { accounts } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listAccounts = defineCommand({
	name: "listAccounts",
	description: "Lists accounts and provides detailed account information for listed accounts",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		accounttype: p.integer(
			"list accounts by account type. Valid account types are 1 (admin), 2 (domain-admin), and 0 (user).",
		),
		id: p.uuid("list account by account ID", { related: "listAccounts" }),
		name: p.string("list account by account name"),
		state: p.string("list accounts by state. Valid states are enabled, disabled, and locked."),
		apikeyaccess: p.string("List accounts by the Api key access value", { since: "4.20.1.0" }),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: ACCOUNT_FIELDS,
	related: ["createAccount", "updateAccount"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			isNull(accounts.removed),
			await scopeCondition(deps.db, caller, params, { accountId: accounts.id, domainId: accounts.domainId }),
		];
		if (params.id) filters.push(eq(accounts.id, params.id));
		if (params.name) filters.push(eq(accounts.name, params.name));
		if (params.accounttype !== undefined) filters.push(eq(accounts.type, params.accounttype));
		if (params.state) filters.push(eq(accounts.state, params.state.toLowerCase()));
		if (params.apikeyaccess) filters.push(eq(accounts.apiKeyAccess, params.apikeyaccess));
		if (params.keyword) filters.push(like(accounts.name, `%${params.keyword}%`));
		const page = await accountPage(deps.db, and(...filters), { limit, offset });
		return { type: "list", name: "account", ...page };
	},
});
