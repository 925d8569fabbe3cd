import { and, eq, isNull, ne } from "drizzle-orm";
import { CsError, ERROR, invalidParam, permissionDenied } from "../../api/errors";
import { ACCOUNT_FIELDS } from "../../api/serializers/account";
import { eventInsert } from "../../db/events";
import { accountView } from "../../db/repos/account-views";
import { accounts, roles } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { isValidNetworkDomain } from "../../domain/names";
import { accountTypeForRole } from "../../domain/roles";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedAccount } from "./managed-account";

export const API_KEY_ACCESS = ["Enabled", "Disabled", "Inherit"];

export const updateAccount = defineCommand({
	name: "updateAccount",
	description: "Updates account information for the authenticated user",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		id: p.uuid("Account UUID", { related: "listAccounts" }),
		account: p.string("Current account name"),
		domainid: p.uuid("The UUID of the domain where the account exists", { related: "listDomains" }),
		roleid: p.uuid("The UUID of the dynamic role to set for the account", { related: "listRoles" }),
		newname: p.string("New name for the account"),
		networkdomain: p.string(
			"Network domain for the account's networks; empty string will update domainName with NULL value",
		),
		apikeyaccess: p.string(
			"Determines if Api key access for this user is enabled, disabled or inherits the value from its parent, the domain level setting api.key.access",
			{ since: "4.20.1.0" },
		),
	},
	responseFields: ACCOUNT_FIELDS,
	related: ["listAccounts", "createAccount"],
	async handle({ params, deps, caller }) {
		const account = await managedAccount(deps.db, caller, params);
		const changes: Partial<typeof accounts.$inferInsert> = {};
		if (params.newname !== undefined) {
			const name = params.newname.trim();
			if (name === "") throw new CsError(ERROR.paramError, "The new account name must not be empty");
			if (account.isDefault) throw permissionDenied("The default account cannot be renamed");
			const [clash] = await deps.db
				.select({ id: accounts.id })
				.from(accounts)
				.where(
					and(
						eq(accounts.domainId, account.domainId),
						eq(accounts.name, name),
						ne(accounts.id, account.id),
						isNull(accounts.removed),
					),
				)
				.limit(1);
			if (clash) throw new CsError(ERROR.paramError, `The specified account: ${name} already exists`);
			changes.name = name;
		}
		if (params.networkdomain !== undefined) {
			if (params.networkdomain && !isValidNetworkDomain(params.networkdomain)) {
				throw new CsError(ERROR.paramError, "Invalid network domain");
			}
			changes.networkDomain = params.networkdomain || null;
		}
		if (params.roleid !== undefined) {
			if (!isRootAdmin(caller)) throw permissionDenied("Only the root admin can change an account's role");
			const role = await deps.db.select().from(roles).where(eq(roles.id, params.roleid)).get();
			if (!role) throw invalidParam("roleid", params.roleid);
			if (accountTypeForRole(role) !== account.type) {
				throw new CsError(ERROR.paramError, "The new role must be of the same type as the account");
			}
			changes.roleId = role.id;
		}
		if (params.apikeyaccess !== undefined) {
			if (!API_KEY_ACCESS.includes(params.apikeyaccess)) {
				throw new CsError(ERROR.paramError, "apikeyaccess must be one of Enabled, Disabled, Inherit");
			}
			changes.apiKeyAccess = params.apikeyaccess;
		}
		if (Object.keys(changes).length === 0) {
			throw new CsError(ERROR.paramError, "Nothing to update: specify newname, networkdomain, roleid or apikeyaccess");
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.update(accounts).set(changes).where(eq(accounts.id, account.id)),
			eventInsert(deps.db, now, caller, {
				type: "ACCOUNT.UPDATE",
				description: `Account ${account.name} updated`,
				resourceType: "Account",
				resourceId: account.id,
				resourceName: changes.name ?? account.name,
			}),
		]);
		return { type: "object", name: "account", value: await accountView(deps.db, account.id) };
	},
});
