/**
 * @module Volume snapshots as jobs. createSnapshot copies the volume from its pool to the zone's
 * secondary storage (volume.copy: one standalone qcow2; `-U` reads a running guest's disk, so the
 * copy is crash-consistent); revertSnapshot copies it back over the volume while nothing runs it;
 * deleteSnapshot removes the file. Every run reads the rows first, so a re-run continues.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { serializeSnapshotById } from "../api/serializers/snapshot";
import { snapshots, volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { releasePool, reservePool } from "../vms/capacity";
import type { SnapshotRow } from "../volumes/access";
import { requireMovable } from "../volumes/migrate";
import { snapshotPath } from "../volumes/paths";
import {
	agentCall,
	cleanupLater,
	imageStoreById,
	type JobAnswer,
	jobEvent,
	loadVolume,
	poolStore,
	zoneImageStore,
} from "../volumes/site";

export interface SnapshotPayload {
	snapshotId: string;
}

async function loadSnapshot(ctx: JobContext, id: string): Promise<SnapshotRow> {
	const row = await ctx.deps.db.select().from(snapshots).where(eq(snapshots.id, id)).get();
	if (!row) throw new CsError(ERROR.paramError, `Snapshot ${id} no longer exists`);
	return row;
}

async function snapshotResult(ctx: JobContext, id: string): Promise<JobAnswer> {
	return { type: "object", name: "snapshot", value: await serializeSnapshotById(ctx.deps.db, id) };
}

export async function runCreateSnapshot(ctx: JobContext, { snapshotId }: SnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	let snapshot = await loadSnapshot(ctx, snapshotId);
	if (snapshot.state === "BackedUp") return snapshotResult(ctx, snapshot.id);
	if (snapshot.removed !== null) throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} was deleted`);
	const volume = await loadVolume(db, snapshot.volumeId);
	if (volume.state !== "Ready") {
		throw new CsError(
			ERROR.paramError,
			`Volume ${volume.name} is ${volume.state}: only Ready volumes can be snapshotted`,
		);
	}
	const source = await poolStore(db, volume);
	if (snapshot.state === "Creating") {
		const secondary = await zoneImageStore(db, snapshot.zoneId);
		const [claimed] = await db
			.update(snapshots)
			.set({
				state: "BackingUp",
				imageStoreId: secondary.row.id,
				path: snapshotPath(snapshot.accountId, volume.id, snapshot.id),
				sizeBytes: volume.sizeBytes,
			})
			.where(and(eq(snapshots.id, snapshot.id), eq(snapshots.state, "Creating")))
			.returning();
		snapshot = claimed ?? (await loadSnapshot(ctx, snapshotId));
	}
	if (snapshot.state !== "BackingUp" || !snapshot.imageStoreId || !snapshot.path) {
		throw new CsError(ERROR.internal, `Snapshot ${snapshot.name} is ${snapshot.state}`);
	}
	const copied = await agentCall(
		ctx,
		"volume.copy",
		{
			source: { store: source.store, path: volume.path ?? "" },
			target: { store: await imageStoreById(db, snapshot.imageStoreId), path: snapshot.path },
		},
		`Backing up volume ${volume.name} to secondary storage`,
	);
	await db.batch([
		db
			.update(snapshots)
			.set({ state: "BackedUp", sizeBytes: copied.sizeBytes, physicalBytes: copied.physicalBytes })
			.where(and(eq(snapshots.id, snapshot.id), eq(snapshots.state, "BackingUp"))),
		jobEvent(ctx, snapshot, {
			type: "SNAPSHOT.CREATE",
			description: `Created snapshot ${snapshot.name} of volume ${volume.name}`,
			resourceType: "Snapshot",
			resourceId: snapshot.id,
			resourceName: snapshot.name,
		}),
	]);
	return snapshotResult(ctx, snapshot.id);
}

/** A snapshot that could not be backed up is Error and gone from the list, as CloudStack drops failed ones. */
export async function rollbackCreateSnapshot(ctx: JobContext, { snapshotId }: SnapshotPayload): Promise<void> {
	const { db } = ctx.deps;
	const [failed] = await db
		.update(snapshots)
		.set({ state: "Error", removed: ctx.deps.clock.now() })
		.where(and(eq(snapshots.id, snapshotId), isNull(snapshots.removed), eq(snapshots.state, "BackingUp")))
		.returning();
	if (failed?.imageStoreId && failed.path) {
		await cleanupLater(ctx.deps, ctx.zoneId, await imageStoreById(db, failed.imageStoreId), failed.path);
	}
	await db
		.update(snapshots)
		.set({ state: "Error", removed: ctx.deps.clock.now() })
		.where(and(eq(snapshots.id, snapshotId), isNull(snapshots.removed), eq(snapshots.state, "Creating")));
}

export async function runDeleteSnapshot(ctx: JobContext, { snapshotId }: SnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const snapshot = await loadSnapshot(ctx, snapshotId);
	if (snapshot.removed !== null) return { type: "success" };
	if (snapshot.state !== "BackedUp" && snapshot.state !== "Error") {
		throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} is ${snapshot.state}: it cannot be deleted now`);
	}
	if (snapshot.imageStoreId && snapshot.path) {
		await agentCall(
			ctx,
			"store.remove",
			{ store: await imageStoreById(db, snapshot.imageStoreId), path: snapshot.path },
			`Removing snapshot ${snapshot.name} from secondary storage`,
		);
	}
	await db.batch([
		db
			.update(snapshots)
			.set({ state: "Destroyed", removed: ctx.deps.clock.now() })
			.where(and(eq(snapshots.id, snapshot.id), isNull(snapshots.removed))),
		jobEvent(ctx, snapshot, {
			type: "SNAPSHOT.DELETE",
			description: `Deleted snapshot ${snapshot.name}`,
			resourceType: "Snapshot",
			resourceId: snapshot.id,
			resourceName: snapshot.name,
		}),
	]);
	return { type: "success" };
}

/**
 * Copies the snapshot back over its volume (RevertSnapshotting while it runs). The result is one
 * standalone qcow2, so a ROOT volume no longer names its template as a backing layer; the pool's
 * bytes follow the volume's size going back to the snapshot's.
 */
export async function runRevertSnapshot(ctx: JobContext, { snapshotId }: SnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const snapshot = await loadSnapshot(ctx, snapshotId);
	if (snapshot.removed !== null || snapshot.state !== "BackedUp" || !snapshot.imageStoreId || !snapshot.path) {
		throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} is not BackedUp: it cannot be reverted to`);
	}
	let volume = await loadVolume(db, snapshot.volumeId);
	if (volume.state === "Ready") {
		await requireMovable(ctx, volume);
		const [claimed] = await db
			.update(volumes)
			.set({ state: "RevertSnapshotting" })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Ready")))
			.returning();
		if (!claimed) return runRevertSnapshot(ctx, { snapshotId });
		volume = claimed;
	} else if (volume.state !== "RevertSnapshotting") {
		throw new CsError(ERROR.paramError, `Volume ${volume.name} is ${volume.state}: only Ready volumes can be reverted`);
	}
	const target = await poolStore(db, volume);
	const copied = await agentCall(
		ctx,
		"volume.copy",
		{
			source: { store: await imageStoreById(db, snapshot.imageStoreId), path: snapshot.path },
			target: { store: target.store, path: volume.path ?? "" },
		},
		`Reverting volume ${volume.name} to snapshot ${snapshot.name}`,
	);
	const size = Math.max(copied.sizeBytes, snapshot.sizeBytes);
	const delta = size - volume.sizeBytes;
	if (delta < 0) await releasePool(db, target.pool.id, -delta);
	// Growing back can only be booked if the pool has room; the file is there either way.
	if (delta > 0) await reservePool(db, target.pool.id, delta);
	await db.batch([
		db
			.update(volumes)
			.set({ state: "Ready", sizeBytes: size, templateId: null })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "RevertSnapshotting"))),
		jobEvent(ctx, snapshot, {
			type: "SNAPSHOT.REVERT",
			description: `Reverted volume ${volume.name} to snapshot ${snapshot.name}`,
			resourceType: "Snapshot",
			resourceId: snapshot.id,
			resourceName: snapshot.name,
		}),
	]);
	return snapshotResult(ctx, snapshot.id);
}

/** A failed revert: volume.copy wrote nothing over the volume (it renames at the end), so it is Ready as it was. */
export async function rollbackRevertSnapshot(ctx: JobContext, { snapshotId }: SnapshotPayload): Promise<void> {
	const snapshot = await ctx.deps.db.select().from(snapshots).where(eq(snapshots.id, snapshotId)).get();
	if (!snapshot) return;
	await ctx.deps.db
		.update(volumes)
		.set({ state: "Ready" })
		.where(and(eq(volumes.id, snapshot.volumeId), eq(volumes.state, "RevertSnapshotting")));
}
