/**
 * @module What goes with an account, user or domain when it is deleted (as CloudStack removes
 * them): the resource tags its accounts own or that sit on it, its accounts' webhooks (their
 * queued deliveries then fail as "webhook deleted" in the consumer) and SSH key pairs. Statements
 * for the delete's batch.
 */
import { and, eq, or, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { inIds } from "../in-ids";
import { resourceTags, sshKeyPairs, webhooks } from "../schema";

/**
 * Tags owned per `tagOwner` or sitting on the deleted `resourceType` rows, and webhooks and SSH
 * key pairs per `owner` (both have account_id and domain_id).
 */
function ownedBy(
	db: Db,
	tagOwner: SQL,
	owner: (table: typeof webhooks | typeof sshKeyPairs) => SQL,
	resourceType: string,
	resourceIds: SQL,
) {
	return [
		db.delete(resourceTags).where(or(tagOwner, and(eq(resourceTags.resourceType, resourceType), resourceIds))),
		db.delete(webhooks).where(owner(webhooks)),
		db.delete(sshKeyPairs).where(owner(sshKeyPairs)),
	];
}

export function accountCleanup(db: Db, accountId: string) {
	return ownedBy(
		db,
		eq(resourceTags.accountId, accountId),
		(table) => eq(table.accountId, accountId),
		"Account",
		eq(resourceTags.resourceId, accountId),
	);
}

/** A domain subtree deleted with cleanup: everything owned inside it, and the domains' own tags. */
export function domainCleanup(db: Db, domainIds: readonly string[]) {
	const ids = [...domainIds];
	return ownedBy(
		db,
		inIds(resourceTags.domainId, ids),
		(table) => inIds(table.domainId, ids),
		"Domain",
		inIds(resourceTags.resourceId, ids),
	);
}

/** A user's own tags (tags it set belong to its account, which lives on). */
export function userCleanup(db: Db, userId: string) {
	return [
		db.delete(resourceTags).where(and(eq(resourceTags.resourceType, "User"), eq(resourceTags.resourceId, userId))),
	];
}
