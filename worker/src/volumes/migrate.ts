/**
 * @module migrateVolume as a job: the volume (detached, or its instance Stopped) turns Migrating,
 * the target pool takes its bytes, the agent copies it there as one standalone qcow2 (volume.copy
 * flattens the template layer, so the volume no longer names a backing template), then the row
 * moves, the source pool gets its bytes back and the old file goes.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { storeLocationOfPool } from "../templates/locations";
import { releasePool, reservePool } from "../vms/capacity";
import { requireVm } from "../vms/vm-rows";
import { noRoom } from "./attach";
import { volumePath } from "./paths";
import { agentCall, cleanupLater, type JobAnswer, jobEvent, loadPool, loadVolume, volumeResult } from "./site";

export interface MigratePayload {
	volumeId: string;
	poolId: string;
}

/** The instance of an attached volume must be Stopped: a running guest's disk is not moved live. */
export async function requireMovable(ctx: JobContext, volume: { name: string; vmId: string | null }): Promise<void> {
	if (!volume.vmId) return;
	const vm = await requireVm(ctx.deps.db, volume.vmId);
	if (vm.state !== "Stopped") {
		throw new CsError(
			ERROR.paramError,
			`Volume ${volume.name} is attached to ${vm.name}, which is ${vm.state}: stop it first (live volume migration is not supported)`,
		);
	}
}

export async function runMigrate(ctx: JobContext, payload: MigratePayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	let volume = await loadVolume(db, payload.volumeId);
	if (volume.poolId === payload.poolId && volume.state === "Ready") return volumeResult(db, volume.id);
	const target = await loadPool(db, payload.poolId);
	if (volume.state === "Ready") {
		await requireMovable(ctx, volume);
		if (!(await reservePool(db, target.id, volume.sizeBytes))) throw noRoom(volume, target.id);
		const [claimed] = await db
			.update(volumes)
			.set({ state: "Migrating" })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Ready")))
			.returning();
		if (!claimed) {
			await releasePool(db, target.id, volume.sizeBytes);
			return runMigrate(ctx, payload);
		}
		volume = claimed;
	} else if (volume.state !== "Migrating") {
		throw new CsError(ERROR.paramError, `Volume ${volume.name} is ${volume.state}: only Ready volumes can be migrated`);
	}
	const source = await loadPool(db, volume.poolId ?? "");
	const path = volume.path ?? volumePath(volume.id);
	await agentCall(
		ctx,
		"volume.copy",
		{
			source: { store: storeLocationOfPool(source), path },
			target: { store: storeLocationOfPool(target), path: volumePath(volume.id) },
		},
		`Copying volume ${volume.name} from storage pool ${source.name} to ${target.name}`,
	);
	const [moved] = await db
		.update(volumes)
		.set({ state: "Ready", poolId: target.id, path: volumePath(volume.id), templateId: null })
		.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Migrating")))
		.returning({ id: volumes.id });
	if (moved) {
		await releasePool(db, source.id, volume.sizeBytes);
		await cleanupLater(ctx.deps, ctx.zoneId, storeLocationOfPool(source), path);
		await jobEvent(ctx, volume, {
			type: "VOLUME.MIGRATE",
			description: `Migrated volume ${volume.name} from storage pool ${source.name} to ${target.name}`,
			resourceType: "Volume",
			resourceId: volume.id,
			resourceName: volume.name,
		});
	}
	return volumeResult(db, volume.id);
}

/** A failed copy leaves the volume where it was: Ready again, the target's reservation released. */
export async function rollbackMigrate(ctx: JobContext, payload: MigratePayload): Promise<void> {
	const { db } = ctx.deps;
	const [back] = await db
		.update(volumes)
		.set({ state: "Ready" })
		.where(and(eq(volumes.id, payload.volumeId), eq(volumes.state, "Migrating")))
		.returning();
	if (back && back.poolId !== payload.poolId) await releasePool(db, payload.poolId, back.sizeBytes);
}
