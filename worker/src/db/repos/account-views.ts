/**
 * @module Accounts and users as responses: the page (joined with domain and role), its users and
 * the total count are read concurrently. Not `db.batch`: D1 batches return rows as objects, and
 * drizzle then shifts joined columns that share a name (drizzle-orm#6038).
 */
import { and, asc, count, eq, inArray, isNull, type SQL } from "drizzle-orm";
import { type AccountContext, serializeAccount, serializeUser } from "../../api/serializers/account";
import type { Db } from "../client";
import { accounts, domains, roles, users } from "../schema";

export interface Window {
	limit: number;
	offset: number;
}

export interface Page {
	items: Record<string, unknown>[];
	count: number;
}

const CONTEXT_FIELDS = {
	domainName: domains.name,
	domainPath: domains.path,
	roleName: roles.name,
	roleType: roles.type,
};

function contextOf(
	row: { domainName: string; domainPath: string; roleName: string; roleType: string },
	account: { domainId: string; roleId: string },
): AccountContext {
	return {
		domain: { id: account.domainId, name: row.domainName, path: row.domainPath },
		role: { id: account.roleId, name: row.roleName, type: row.roleType },
	};
}

/** Accounts matching `where` (conditions on the accounts table), oldest first, with their users. */
export async function accountPage(db: Db, where: SQL | undefined, window: Window): Promise<Page> {
	const pageIds = db
		.select({ id: accounts.id })
		.from(accounts)
		.where(where)
		.orderBy(asc(accounts.created), asc(accounts.id))
		.limit(window.limit)
		.offset(window.offset);
	const [rows, accountUsers, [total]] = await Promise.all([
		db
			.select({ account: accounts, ...CONTEXT_FIELDS })
			.from(accounts)
			.innerJoin(domains, eq(domains.id, accounts.domainId))
			.innerJoin(roles, eq(roles.id, accounts.roleId))
			.where(where)
			.orderBy(asc(accounts.created), asc(accounts.id))
			.limit(window.limit)
			.offset(window.offset),
		db
			.select()
			.from(users)
			.where(and(inArray(users.accountId, pageIds), isNull(users.removed)))
			.orderBy(asc(users.created)),
		db.select({ n: count() }).from(accounts).where(where),
	]);
	const items = rows.map((row) =>
		serializeAccount(
			row.account,
			accountUsers.filter((u) => u.accountId === row.account.id),
			contextOf(row, row.account),
		),
	);
	return { items, count: total?.n ?? 0 };
}

/** Users matching `where` (conditions on the users table), oldest first, with account, domain and role. */
export async function userPage(db: Db, where: SQL | undefined, window: Window): Promise<Page> {
	const [rows, [total]] = await Promise.all([
		db
			.select({ user: users, account: accounts, ...CONTEXT_FIELDS })
			.from(users)
			.innerJoin(accounts, eq(accounts.id, users.accountId))
			.innerJoin(domains, eq(domains.id, accounts.domainId))
			.innerJoin(roles, eq(roles.id, accounts.roleId))
			.where(where)
			.orderBy(asc(users.created), asc(users.id))
			.limit(window.limit)
			.offset(window.offset),
		db.select({ n: count() }).from(users).where(where),
	]);
	const items = rows.map((row) => serializeUser(row.user, row.account, contextOf(row, row.account)));
	return { items, count: total?.n ?? 0 };
}

const ONE = { limit: 1, offset: 0 };

/** One account as a response; its absence after a write is a bug, not bad input. */
export async function accountView(db: Db, id: string): Promise<Record<string, unknown>> {
	const [item] = (await accountPage(db, eq(accounts.id, id), ONE)).items;
	if (!item) throw new Error(`account ${id} missing after write`);
	return item;
}

/** One user as a response; its absence after a write is a bug, not bad input. */
export async function userView(db: Db, id: string): Promise<Record<string, unknown>> {
	const [item] = (await userPage(db, eq(users.id, id), ONE)).items;
	if (!item) throw new Error(`user ${id} missing after write`);
	return item;
}
