/**
 * @module What volume and snapshot jobs share: agent calls that turn a failed answer into a
 * CsError, fresh reads of the rows a job acts on (a queued job must look again: an earlier job
 * may have changed them), the zone's image store, and the events a job writes as its owner.
 */
import type { CommandArgs, CommandName, CommandResult, StoreLocation } from "@flarestack/protocol";
import { and, asc, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { serializeVolumeById } from "../api/serializers/volume";
import type { Deps } from "../commands/types";
import type { Db } from "../db/client";
import { type EventInput, eventInsert } from "../db/events";
import { imageStores, storagePools, vmSnapshots, volumes } from "../db/schema";
import type { JobContext, JobKind } from "../jobs/types";
import { logWarn } from "../lib/log";
import { storeLocationOfImageStore, storeLocationOfPool } from "../templates/locations";
import { CLEANUP_TIMEOUT_MS } from "../templates/remove";
import type { VolumeRow } from "./access";

export type PoolRow = typeof storagePools.$inferSelect;
export type ImageStoreRow = typeof imageStores.$inferSelect;

/**
 * Sends `name` to the zone's agent, bounded by the job's remaining time. No agent (or no answer in
 * time) is 534, as CloudStack's AgentUnavailable; the agent's own failure is 530 with its text.
 */
export async function agentCall<N extends CommandName>(
	ctx: JobContext,
	name: N,
	args: CommandArgs<N>,
	what: string,
): Promise<CommandResult<N>> {
	const timeoutMs = Math.max(ctx.remainingMs(), 1000);
	const outcome = await ctx.deps.relay.call(ctx.zoneId, name, args, timeoutMs);
	if (outcome.ok) return outcome.result;
	const code = outcome.code === "no_relay" || outcome.code === "deadline" ? ERROR.resourceUnavailable : ERROR.internal;
	throw new CsError(code, `${what} failed: ${outcome.text}`);
}

export async function loadVolume(db: Db, id: string): Promise<VolumeRow> {
	const row = await db.select().from(volumes).where(eq(volumes.id, id)).get();
	if (!row || row.removed !== null) throw new CsError(ERROR.paramError, `Volume ${id} no longer exists`);
	return row;
}

export async function loadPool(db: Db, id: string): Promise<PoolRow> {
	const row = await db.select().from(storagePools).where(eq(storagePools.id, id)).get();
	if (!row) throw new CsError(ERROR.paramError, `Storage pool ${id} no longer exists`);
	return row;
}

/** The pool a volume is on, as the agent reaches it. */
export async function poolStore(db: Db, volume: VolumeRow): Promise<{ pool: PoolRow; store: StoreLocation }> {
	if (!volume.poolId) throw new CsError(ERROR.paramError, `Volume ${volume.name} is not on any storage pool yet`);
	const pool = await loadPool(db, volume.poolId);
	return { pool, store: storeLocationOfPool(pool) };
}

/** The zone's secondary storage (the oldest writable image store), or 534 when it has none. */
export async function zoneImageStore(db: Db, zoneId: string): Promise<{ row: ImageStoreRow; store: StoreLocation }> {
	const row = await db
		.select()
		.from(imageStores)
		.where(and(eq(imageStores.zoneId, zoneId), eq(imageStores.readonly, false)))
		.orderBy(asc(imageStores.created))
		.get();
	if (!row)
		throw new CsError(ERROR.resourceUnavailable, `Zone ${zoneId} has no secondary storage to keep snapshots on`);
	return { row, store: storeLocationOfImageStore(row) };
}

export async function imageStoreById(db: Db, id: string): Promise<StoreLocation> {
	const row = await db.select().from(imageStores).where(eq(imageStores.id, id)).get();
	if (!row) throw new CsError(ERROR.resourceUnavailable, `Image store ${id} no longer exists`);
	return storeLocationOfImageStore(row);
}

/** The instance's volumes on storage, ROOT first. */
export async function vmVolumes(db: Db, vmId: string): Promise<VolumeRow[]> {
	return db
		.select()
		.from(volumes)
		.where(and(eq(volumes.vmId, vmId), isNull(volumes.removed)))
		.orderBy(asc(volumes.deviceId));
}

/** Whether the instance has disk-only VM snapshots (they pin its set of volumes, as in CloudStack). */
export async function hasVmSnapshots(db: Db, vmId: string): Promise<boolean> {
	const row = await db
		.select({ id: vmSnapshots.id })
		.from(vmSnapshots)
		.where(and(eq(vmSnapshots.vmId, vmId), isNull(vmSnapshots.removed)))
		.get();
	return row !== undefined;
}

/** An event of the job, recorded as its owner (the caller who started it) on `resource`'s account. */
export function jobEvent(
	ctx: JobContext,
	resource: { accountId: string; domainId: string },
	input: Omit<EventInput, "owner">,
) {
	return eventInsert(ctx.deps.db, ctx.deps.clock.now(), null, {
		...input,
		owner: { userId: ctx.owner.userId, accountId: resource.accountId, domainId: resource.domainId },
	});
}

/**
 * Removes a file nobody needs any more as a background cleanup: the zone's ZoneRelay keeps it until
 * the agent is there. A failure only leaves garbage, so it never fails the caller.
 */
export async function cleanupLater(
	deps: Pick<Deps, "relay">,
	zoneId: string,
	store: StoreLocation,
	path: string,
): Promise<void> {
	const started = await deps.relay.start(
		zoneId,
		"store.remove",
		{ store, path },
		{ timeoutMs: CLEANUP_TIMEOUT_MS, context: { kind: "cleanup" } },
	);
	if (!started.ok) logWarn(`relay:${zoneId}`, "volume file cleanup not started", { path, text: started.text });
}

/** A job's answer with the volume as it is now. */
export async function volumeResult(db: Db, volumeId: string): Promise<JobAnswer> {
	return { type: "object", name: "volume", value: await serializeVolumeById(db, volumeId) };
}

export type JobAnswer = Awaited<ReturnType<JobKind["run"]>>;

/**
 * The queue key of a job on a volume: an attached volume's jobs run in order with its instance's
 * (start, stop, attach, detach), a free volume's with each other.
 */
export function volumeResource(volume: Pick<VolumeRow, "id" | "vmId">): string {
	return volume.vmId ? `vm:${volume.vmId}` : `volume:${volume.id}`;
}
