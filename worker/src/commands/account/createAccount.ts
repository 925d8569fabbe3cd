import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, invalidParam, permissionDenied } from "../../api/errors";
import { ACCOUNT_FIELDS } from "../../api/serializers/account";
import { eventInsert } from "../../db/events";
import { accountView } from "../../db/repos/account-views";
import { findAccount, usernameTaken } from "../../db/repos/accounts";
import { requireDomain } from "../../db/repos/domains";
import { accounts, roles, users } from "../../db/schema";
import { canManageDomain, creatableAccountTypes } from "../../domain/access";
import { isValidNetworkDomain } from "../../domain/names";
import { accountTypeForRole, defaultRoleForAccountType } from "../../domain/roles";
import { isUuid, newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { newUserParams, newUserRow, validateNewUser } from "../user/new-user";

export const createAccount = defineCommand({
	name: "createAccount",
	description: "Creates an account with a first user; the account name defaults to the user name",
	access: "authenticated",
	authorized: ["Admin", "DomainAdmin"],
	params: {
		account: p.string(
			"Name of the account to be created. The user will be added to this newly created account. If no account is specified, the username will be used as the account name.",
		),
		accounttype: p.integer("Type of the account. Specify 0 for user, 1 for root admin, and 2 for domain admin"),
		roleid: p.uuid("Creates the account under the specified role.", { since: "4.14.0.0", related: "listRoles" }),
		domainid: p.uuid("Creates the user under the specified domain.", { related: "listDomains" }),
		...newUserParams,
		networkdomain: p.string("Network domain for the account's networks"),
		accountid: p.string("Account UUID, required for adding account from external provisioning system"),
	},
	responseFields: ACCOUNT_FIELDS,
	related: ["listAccounts", "updateAccount", "enableAccount"],
	async handle({ params, deps, caller }) {
		if (params.accounttype === undefined && params.roleid === undefined) {
			throw new CsError(ERROR.paramError, "Please specify either a valid role id or an account type");
		}
		const role = params.roleid
			? await deps.db.select().from(roles).where(eq(roles.id, params.roleid)).get()
			: defaultRoleForAccountType(params.accounttype ?? -1);
		if (!role) {
			throw params.roleid
				? invalidParam("roleid", params.roleid)
				: new CsError(
						ERROR.paramError,
						`Invalid account type ${params.accounttype} given; valid values are 0, 1, 2, 3 and 4`,
					);
		}
		const type = accountTypeForRole(role);
		if (params.accounttype !== undefined && params.roleid && params.accounttype !== type) {
			throw new CsError(ERROR.paramError, "The account type does not match the role's type");
		}
		if (!creatableAccountTypes(caller).includes(type)) {
			throw permissionDenied("The caller is not allowed to create accounts of this type");
		}
		const domain = await requireDomain(deps.db, params.domainid ?? caller.domainId);
		if (!canManageDomain(caller, domain.path))
			throw permissionDenied(`The caller cannot create accounts in domain ${domain.id}`);
		const name = (params.account ?? params.username).trim();
		validateNewUser(params);
		if (params.networkdomain && !isValidNetworkDomain(params.networkdomain)) {
			throw new CsError(ERROR.paramError, "Invalid network domain");
		}
		const [existing] = await deps.db
			.select({ id: accounts.id })
			.from(accounts)
			.where(and(eq(accounts.domainId, domain.id), eq(accounts.name, name), isNull(accounts.removed)))
			.limit(1);
		if (existing) throw new CsError(ERROR.paramError, `The specified account: ${name} already exists`);
		if (await usernameTaken(deps.db, domain.id, params.username)) {
			throw new CsError(ERROR.paramError, `The user ${params.username} already exists in domain ${domain.id}`);
		}
		if (params.accountid !== undefined && !isUuid(params.accountid)) {
			throw new CsError(ERROR.paramError, "accountid must be a UUID");
		}
		const accountId = params.accountid?.toLowerCase() ?? newUuid();
		if (params.accountid && (await findAccount(deps.db, accountId))) {
			throw new CsError(ERROR.paramError, `An account with ID ${accountId} already exists`);
		}
		const now = deps.clock.now();
		const account = {
			id: accountId,
			name,
			type,
			roleId: role.id,
			domainId: domain.id,
			networkDomain: params.networkdomain ?? null,
			created: now,
		};
		await deps.db.batch([
			deps.db.insert(accounts).values(account),
			deps.db.insert(users).values(await newUserRow(params.userid?.toLowerCase() ?? newUuid(), params, account, now)),
			eventInsert(deps.db, now, caller, {
				type: "ACCOUNT.CREATE",
				description: `Account ${name} created in domain ${domain.name}`,
				resourceType: "Account",
				resourceId: accountId,
				resourceName: name,
			}),
		]);
		return { type: "object", name: "account", value: await accountView(deps.db, accountId) };
	},
});
