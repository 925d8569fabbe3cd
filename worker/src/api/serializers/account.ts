/** @module account and user → CloudStack `account` / `user` responses. Secret keys never appear here. */
import type { FieldTable } from "../../commands/types";
import type { accounts, users } from "../../db/schema";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export const USER_FIELDS = {
	id: ["string", "the user ID"],
	username: ["string", "the user name"],
	firstname: ["string", "the user firstname"],
	lastname: ["string", "the user lastname"],
	email: ["string", "the user email address"],
	state: ["string", "the user state"],
	account: ["string", "the account name of the user"],
	accountid: ["string", "the account ID of the user"],
	accounttype: ["integer", "the account type of the user"],
	roleid: ["string", "the ID of the role"],
	roletype: ["string", "the type of the role"],
	rolename: ["string", "the name of the role"],
	domainid: ["string", "the domain ID of the user"],
	domain: ["string", "the domain name of the user"],
	domainpath: ["string", "the domain path of the user"],
	timezone: ["string", "the timezone user was created in"],
	created: ["date", "the date and time the user account was created"],
	apikey: ["string", "the api key of the user"],
	apikeyaccess: ["string", "whether api key access is Enabled, Disabled or Inherit"],
	usersource: ["string", "the source type of the user: native"],
	isdefault: ["boolean", "true if user is default, false otherwise"],
	iscallerchilddomain: ["boolean", "whether the user belongs to a domain below the caller's"],
	is2faenabled: ["boolean", "true if user has two factor authentication enabled"],
} as const satisfies FieldTable;

export const ACCOUNT_FIELDS = {
	id: ["string", "the id of the account"],
	name: ["string", "the name of the account"],
	accounttype: ["integer", "account type (admin, domain-admin, user)"],
	roleid: ["string", "the ID of the role"],
	roletype: ["string", "the type of the role (Admin, ResourceAdmin, DomainAdmin, User)"],
	rolename: ["string", "the name of the role"],
	domainid: ["string", "id of the Domain the account belongs to"],
	domain: ["string", "name of the Domain the account belongs to"],
	domainpath: ["string", "path of the Domain the account belongs to"],
	state: ["string", "the state of the account"],
	networkdomain: ["string", "the network domain"],
	apikeyaccess: ["string", "whether api key access is Enabled, Disabled or Inherit"],
	isdefault: ["boolean", "true if account is default, false otherwise"],
	created: ["date", "the date when this account was created"],
	user: ["list", "the list of users associated with account"],
} as const satisfies FieldTable;

export interface AccountContext {
	domain: { id: string; name: string; path: string };
	role: { id: string; name: string; type: string };
}

type AccountRow = typeof accounts.$inferSelect;
type UserRow = typeof users.$inferSelect;

export function serializeUser(user: UserRow, account: AccountRow, context: AccountContext): Record<string, unknown> {
	return compact({
		id: user.id,
		username: user.username,
		firstname: user.firstName,
		lastname: user.lastName,
		email: user.email,
		state: user.state,
		account: account.name,
		accountid: account.id,
		accounttype: account.type,
		roleid: context.role.id,
		roletype: context.role.type,
		rolename: context.role.name,
		domainid: context.domain.id,
		domain: context.domain.name,
		domainpath: displayPath(context.domain.path),
		timezone: user.timezone,
		created: csDate(user.created),
		apikey: user.apiKey,
		apikeyaccess: user.apiKeyAccess,
		usersource: "native",
		isdefault: user.isDefault,
		iscallerchilddomain: undefined,
		is2faenabled: false,
	} satisfies Record<keyof typeof USER_FIELDS, unknown>);
}

export function serializeAccount(
	account: AccountRow,
	accountUsers: UserRow[],
	context: AccountContext,
): Record<string, unknown> {
	return compact({
		id: account.id,
		name: account.name,
		accounttype: account.type,
		roleid: context.role.id,
		roletype: context.role.type,
		rolename: context.role.name,
		domainid: context.domain.id,
		domain: context.domain.name,
		domainpath: displayPath(context.domain.path),
		state: account.state,
		networkdomain: account.networkDomain,
		apikeyaccess: account.apiKeyAccess,
		isdefault: account.isDefault,
		created: csDate(account.created),
		user: accountUsers.map((u) => serializeUser(u, account, context)),
	} satisfies Record<keyof typeof ACCOUNT_FIELDS, unknown>);
}
