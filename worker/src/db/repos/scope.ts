/** @module The rows a list command may return: CloudStack's account/domain scoping as SQL. */
import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { permissionDenied } from "../../api/errors";
import { type Caller, isInSubtree, visibleSubtree } from "../../domain/access";
import type { Db } from "../client";
import { accounts, domains } from "../schema";
import { requireDomain, subtreeCondition } from "./domains";

export interface ScopeParams {
	domainid?: string | undefined;
	isrecursive?: boolean | undefined;
	account?: string | undefined;
	listall?: boolean | undefined;
}

/**
 * A condition on an (accountId, domainId) column pair. Users see their own account; admins see
 * their visible subtree, narrowed by domainid (+ isrecursive) and account. `listall=false` for an
 * admin means "own account only" where CloudStack's command does so (`ownByDefault`).
 */
export async function scopeCondition(
	db: Db,
	caller: Caller,
	params: ScopeParams,
	columns: { accountId: SQLiteColumn; domainId: SQLiteColumn },
	options: { ownByDefault: boolean } = { ownByDefault: false },
): Promise<SQL | undefined> {
	const subtree = visibleSubtree(caller);
	if (subtree === null) return eq(columns.accountId, caller.accountId);
	const conditions: (SQL | undefined)[] = [];
	if (params.domainid) {
		const domain = await requireDomain(db, params.domainid);
		if (!isInSubtree(domain.path, subtree)) {
			throw permissionDenied(`The caller has no access to domain ${domain.id}`);
		}
		conditions.push(
			params.isrecursive
				? inArray(columns.domainId, db.select({ id: domains.id }).from(domains).where(subtreeCondition(domain.path)))
				: eq(columns.domainId, domain.id),
		);
		if (params.account) {
			conditions.push(
				inArray(
					columns.accountId,
					db
						.select({ id: accounts.id })
						.from(accounts)
						.where(and(eq(accounts.domainId, domain.id), eq(accounts.name, params.account))),
				),
			);
		}
	} else if (options.ownByDefault && !params.listall) {
		conditions.push(eq(columns.accountId, caller.accountId));
	} else if (subtree !== "/") {
		conditions.push(
			inArray(columns.domainId, db.select({ id: domains.id }).from(domains).where(subtreeCondition(subtree))),
		);
	}
	return and(...conditions);
}
