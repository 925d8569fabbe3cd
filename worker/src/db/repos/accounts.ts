/** @module Account and user lookups, and turning rows into responses with their domain and role. */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import type { AccountTarget } from "../../domain/access";
import type { Db } from "../client";
import { accounts, domains, users } from "../schema";

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

/** CloudStack keeps user names unique within a domain. */
export async function usernameTaken(db: Db, domainId: string, username: string): Promise<boolean> {
	const [row] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.domainId, domainId), eq(users.username, username), isNull(users.removed)))
		.limit(1);
	return row !== undefined;
}
