/**
 * @module The owner of a new resource (a webhook, a template or ISO): the caller, or, for admins, an
 * account it manages given as `account` + `domainid`, as CloudStack's finalizeOwner.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../api/errors";
import type { Db } from "../db/client";
import { requireDomain } from "../db/repos/domains";
import { accounts } from "../db/schema";
import { type Caller, canManageAccount, visibleSubtree } from "../domain/access";

export interface ResourceOwner {
	id: string;
	name: string;
	type: number;
	domainId: string;
}

/** `what` finishes the refusal "The caller does not have permission to <what> for account X". */
export async function resourceOwner(
	db: Db,
	caller: Caller,
	params: { account?: string | undefined; domainid?: string | undefined },
	what: string,
): Promise<ResourceOwner> {
	const self = { id: caller.accountId, name: caller.accountName, type: caller.accountType, domainId: caller.domainId };
	const { account, domainid } = params;
	if (account === undefined && domainid === undefined) return self;
	if (account === undefined || domainid === undefined) {
		throw new CsError(ERROR.paramError, "AccountName and domainId must be specified together");
	}
	if (visibleSubtree(caller) === null) {
		if (account !== caller.accountName || domainid !== caller.domainId) {
			throw permissionDenied(
				`Can't create/list resources for account ${account} in domain ${domainid}, permission denied`,
			);
		}
		return self;
	}
	const domain = await requireDomain(db, domainid);
	const [row] = await db
		.select()
		.from(accounts)
		.where(and(eq(accounts.name, account), eq(accounts.domainId, domain.id), isNull(accounts.removed)))
		.limit(1);
	if (!row) throw new CsError(ERROR.paramError, `Unable to find account ${account} in domain ${domainid}`);
	if (
		row.id !== caller.accountId &&
		!canManageAccount(caller, { id: row.id, type: row.type, domainPath: domain.path })
	) {
		throw permissionDenied(`The caller does not have permission to ${what} for account ${row.name}`);
	}
	return { id: row.id, name: row.name, type: row.type, domainId: row.domainId };
}
