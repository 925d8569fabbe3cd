/** @module Account and user lookups, and turning rows into responses with their domain and role. */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { type AccountContext, serializeAccount, serializeUser } from "../../api/serializers/account";
import type { AccountTarget } from "../../domain/access";
import type { Db } from "../client";
import { accounts, domains, roles, users } from "../schema";

export type AccountRow = typeof accounts.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export async function findAccount(db: Db, id: string): Promise<AccountRow | undefined> {
	const [row] = await db
		.select()
		.from(accounts)
		.where(and(eq(accounts.id, id), isNull(accounts.removed)))
		.limit(1);
	return row;
}

/** An account this request just wrote; its absence is a bug, not bad input. */
export async function mustFindAccount(db: Db, id: string): Promise<AccountRow> {
	const row = await findAccount(db, id);
	if (!row) throw new Error(`account ${id} missing after write`);
	return row;
}

/** The account named by `id`, or by `account` + `domainid` (CloudStack accepts either form). */
export async function resolveAccount(
	db: Db,
	ref: { id?: string | undefined; account?: string | undefined; domainid?: string | undefined },
): Promise<AccountRow> {
	if (ref.id) {
		const row = await findAccount(db, ref.id);
		if (!row) throw invalidParam("id", ref.id);
		return row;
	}
	if (ref.account && ref.domainid) {
		const [row] = await db
			.select()
			.from(accounts)
			.where(and(eq(accounts.name, ref.account), eq(accounts.domainId, ref.domainid), isNull(accounts.removed)))
			.limit(1);
		if (!row) {
			throw new CsError(ERROR.paramError, `Unable to find account ${ref.account} in domain id=${ref.domainid}`);
		}
		return row;
	}
	throw new CsError(ERROR.paramError, "Either id or account name together with domainid must be specified");
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
	const [row] = await db
		.select()
		.from(users)
		.where(and(eq(users.id, id), isNull(users.removed)))
		.limit(1);
	return row;
}

export async function requireUser(db: Db, id: string, param = "id"): Promise<UserRow> {
	const row = await findUser(db, id);
	if (!row) throw invalidParam(param, id);
	return row;
}

/** The access-check view of an account: its type and domain path. */
export async function accountTarget(db: Db, account: AccountRow): Promise<AccountTarget> {
	const [domain] = await db.select({ path: domains.path }).from(domains).where(eq(domains.id, account.domainId));
	return { id: account.id, type: account.type, domainPath: domain?.path ?? "/" };
}

async function contexts(db: Db, rows: AccountRow[]): Promise<(account: AccountRow) => AccountContext> {
	const domainIds = [...new Set(rows.map((a) => a.domainId))];
	const roleIds = [...new Set(rows.map((a) => a.roleId))];
	const [domainRows, roleRows] = await Promise.all([
		domainIds.length ? db.select().from(domains).where(inArray(domains.id, domainIds)) : [],
		roleIds.length ? db.select().from(roles).where(inArray(roles.id, roleIds)) : [],
	]);
	const domainById = new Map(domainRows.map((d) => [d.id, d]));
	const roleById = new Map(roleRows.map((r) => [r.id, r]));
	return (account) => {
		const domain = domainById.get(account.domainId);
		const role = roleById.get(account.roleId);
		return {
			domain: { id: account.domainId, name: domain?.name ?? "", path: domain?.path ?? "/" },
			role: { id: account.roleId, name: role?.name ?? "", type: role?.type ?? "" },
		};
	};
}

/** Serialises accounts with their live users, in a fixed number of queries. */
export async function serializeAccounts(db: Db, rows: AccountRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const [contextOf, userRows] = await Promise.all([
		contexts(db, rows),
		db
			.select()
			.from(users)
			.where(
				and(
					inArray(
						users.accountId,
						rows.map((a) => a.id),
					),
					isNull(users.removed),
				),
			)
			.orderBy(users.created),
	]);
	return rows.map((account) =>
		serializeAccount(
			account,
			userRows.filter((u) => u.accountId === account.id),
			contextOf(account),
		),
	);
}

/** Serialises users with their account, domain and role. */
export async function serializeUsers(db: Db, rows: UserRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const accountRows = await db
		.select()
		.from(accounts)
		.where(inArray(accounts.id, [...new Set(rows.map((u) => u.accountId))]));
	const accountById = new Map(accountRows.map((a) => [a.id, a]));
	const contextOf = await contexts(db, accountRows);
	return rows.flatMap((user) => {
		const account = accountById.get(user.accountId);
		return account ? [serializeUser(user, account, contextOf(account))] : [];
	});
}

/** CloudStack keeps user names unique within a domain. */
export async function usernameTaken(db: Db, domainId: string, username: string): Promise<boolean> {
	const [row] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.domainId, domainId), eq(users.username, username), isNull(users.removed)))
		.limit(1);
	return row !== undefined;
}
