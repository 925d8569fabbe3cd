/**
 * @module Finding the volume, snapshot or instance a command names, with CloudStack's access check:
 * the owner account, the root admin, and domain or resource admins over their subtree may act on
 * it; a read-only admin may only see it. Not found is 431, someone else's is 531.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../api/errors";
import type { Db } from "../db/client";
import { domains, snapshots, vmInstances, vmSnapshots, volumes } from "../db/schema";
import { type Caller, isDomainScopedAdmin, isRootAdmin } from "../domain/access";

export type VolumeRow = typeof volumes.$inferSelect;
export type VmRow = typeof vmInstances.$inferSelect;
export type SnapshotRow = typeof snapshots.$inferSelect;
export type VmSnapshotRow = typeof vmSnapshots.$inferSelect;

/** May the caller change a resource of this owner? */
export function canManageOwned(caller: Caller, owner: { accountId: string; domainPath: string }): boolean {
	if (owner.accountId === caller.accountId || isRootAdmin(caller)) return true;
	return isDomainScopedAdmin(caller) && owner.domainPath.startsWith(caller.domainPath);
}

async function domainPath(db: Db, domainId: string): Promise<string> {
	const row = await db.select({ path: domains.path }).from(domains).where(eq(domains.id, domainId)).get();
	return row?.path ?? "/";
}

async function check<T extends { accountId: string; domainId: string }>(
	db: Db,
	caller: Caller,
	row: T,
	what: string,
): Promise<T> {
	if (!canManageOwned(caller, { accountId: row.accountId, domainPath: await domainPath(db, row.domainId) })) {
		throw permissionDenied(`The caller does not have permission to ${what}`);
	}
	return row;
}

/** A live (not expunged) volume the caller may change. */
export async function requireVolume(db: Db, caller: Caller, id: string, param = "id"): Promise<VolumeRow> {
	const row = await db
		.select()
		.from(volumes)
		.where(and(eq(volumes.id, id), isNull(volumes.removed)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Unable to find volume with ${param} ${id}`);
	return check(db, caller, row, `act on volume ${row.name}`);
}

/** A live instance the caller may change. */
export async function requireVm(db: Db, caller: Caller, id: string, param = "virtualmachineid"): Promise<VmRow> {
	const row = await db
		.select()
		.from(vmInstances)
		.where(and(eq(vmInstances.id, id), isNull(vmInstances.removed)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Unable to find virtual machine with ${param} ${id}`);
	return check(db, caller, row, `act on virtual machine ${row.name}`);
}

/** A snapshot that is not deleted, the caller may change. */
export async function requireSnapshot(db: Db, caller: Caller, id: string, param = "id"): Promise<SnapshotRow> {
	const row = await db
		.select()
		.from(snapshots)
		.where(and(eq(snapshots.id, id), isNull(snapshots.removed)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Unable to find snapshot with ${param} ${id}`);
	return check(db, caller, row, `act on snapshot ${row.name}`);
}

/** A VM snapshot that is not deleted, the caller may change. */
export async function requireVmSnapshot(
	db: Db,
	caller: Caller,
	id: string,
	param = "vmsnapshotid",
): Promise<VmSnapshotRow> {
	const row = await db
		.select()
		.from(vmSnapshots)
		.where(and(eq(vmSnapshots.id, id), isNull(vmSnapshots.removed)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Unable to find VM snapshot with ${param} ${id}`);
	return check(db, caller, row, `act on VM snapshot ${row.name}`);
}
