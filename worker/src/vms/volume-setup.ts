/**
 * @module Putting an instance's Allocated volumes on a pool: the pool's bytes are reserved
 * (compare-and-set under its limit), the row claims the pool, then the agent makes the file — a
 * linked clone of the template's pool copy for a root disk, a blank qcow2 otherwise. Every step
 * reads the row first, so a re-run job picks up where it stopped (the agent's commands are
 * idempotent by what they make).
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { storagePools, volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import type { CallOutcome } from "../relay/link";
import { storeLocationOfPool } from "../templates/locations";
import { ensureTemplateOnPool } from "../templates/pools";
import { releasePool, reservePool } from "./capacity";
import { agentFailure, type VmRow, type VolumeRow, volumePath, volumesOf } from "./vm-rows";

/** CSExceptionErrorCode of InsufficientStorageCapacityException. */
const INSUFFICIENT_STORAGE_CS = 4340;

/** Claims `poolId` for an Allocated volume with its bytes reserved; false when another writer won. */
async function placeVolume(ctx: JobContext, volume: VolumeRow, poolId: string): Promise<boolean> {
	const { db } = ctx.deps;
	if (!(await reservePool(db, poolId, volume.sizeBytes))) {
		throw new CsError(
			ERROR.insufficientCapacity,
			`Unable to create volume ${volume.name}: storage pool ${poolId} has no room for ${volume.sizeBytes} bytes`,
			{ csCode: INSUFFICIENT_STORAGE_CS },
		);
	}
	const claimed = await db
		.update(volumes)
		.set({ poolId, state: "Creating", path: volumePath(volume.id) })
		.where(and(eq(volumes.id, volume.id), isNull(volumes.poolId)))
		.returning({ id: volumes.id });
	if (claimed.length === 0) await releasePool(db, poolId, volume.sizeBytes);
	return claimed.length > 0;
}

/** Makes the volume's file on its pool (clone or blank) and marks it Ready. */
async function createOnPool(ctx: JobContext, vm: VmRow, volume: VolumeRow): Promise<void> {
	const { deps } = ctx;
	const pool = await deps.db
		.select()
		.from(storagePools)
		.where(eq(storagePools.id, volume.poolId ?? ""))
		.get();
	if (!pool || !volume.path) throw new CsError(ERROR.internal, `Volume ${volume.name} lost its pool`);
	const store = storeLocationOfPool(pool);
	let outcome: CallOutcome<"volume.clone"> | CallOutcome<"volume.create">;
	if (volume.type === "ROOT" && volume.templateId) {
		const copy = await ensureTemplateOnPool(deps, volume.templateId, pool.id, { waitMs: ctx.remainingMs() });
		outcome = await deps.relay.call(
			ctx.zoneId,
			"volume.clone",
			{
				pool: store,
				backingPath: copy.path,
				path: volume.path,
				...(volume.sizeBytes > copy.sizeBytes ? { sizeBytes: volume.sizeBytes } : {}),
			},
			ctx.remainingMs(),
		);
	} else {
		outcome = await deps.relay.call(
			ctx.zoneId,
			"volume.create",
			{ store, path: volume.path, sizeBytes: volume.sizeBytes },
			ctx.remainingMs(),
		);
	}
	if (!outcome.ok) throw agentFailure(outcome, `Creating volume ${volume.name} of ${vm.instanceName}`);
	await deps.db
		.update(volumes)
		.set({ state: "Ready", attached: sql`coalesce(${volumes.attached}, ${deps.clock.now()})` })
		.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Creating")));
}

/**
 * Every volume of the instance on storage: Allocated ones placed on `poolId` (the placement's
 * pool), Creating ones (a cut-off earlier run) made again. Returns the volumes as they are now.
 */
export async function ensureVolumes(ctx: JobContext, vm: VmRow, poolId: string | undefined): Promise<VolumeRow[]> {
	for (const volume of await volumesOf(ctx.deps.db, vm.id)) {
		let current = volume;
		if (current.poolId === null) {
			if (!poolId) throw new CsError(ERROR.internal, `No storage pool was chosen for volume ${volume.name}`);
			await placeVolume(ctx, current, poolId);
			const reread = await ctx.deps.db.select().from(volumes).where(eq(volumes.id, volume.id)).get();
			if (!reread) continue;
			current = reread;
		}
		if (current.state === "Creating") await createOnPool(ctx, vm, current);
	}
	return volumesOf(ctx.deps.db, vm.id);
}

/** Bytes of the instance's volumes that still need a pool. */
export function unplacedBytes(vols: readonly VolumeRow[]): number {
	return vols.filter((v) => v.poolId === null).reduce((sum, v) => sum + v.sizeBytes, 0);
}
