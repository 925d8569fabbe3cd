/**
 * @module Disk-only VM snapshots as jobs: a copy of each of the instance's volumes kept next to it
 * on its pool (`vmsnap-<id>-<volume>.qcow2`, volume.copy: standalone, crash-consistent for a running
 * guest). Revert copies them back over the volumes while the instance is Stopped; delete removes
 * them. While an instance has VM snapshots its set of volumes is pinned (attach, detach, resize and
 * migrate are refused), as CloudStack does, so a snapshot always matches the instance's volumes.
 */
import { and, eq, isNull, ne } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { serializeVm } from "../api/serializers/vm";
import { serializeVmSnapshotById } from "../api/serializers/vm-snapshot";
import { vmInstances, vmSnapshots, volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { requireVm } from "../vms/vm-rows";
import type { VmSnapshotRow } from "../volumes/access";
import { vmSnapshotPath } from "../volumes/paths";
import { agentCall, cleanupLater, type JobAnswer, jobEvent, poolStore, vmVolumes } from "../volumes/site";

export interface VmSnapshotPayload {
	vmSnapshotId: string;
}

async function loadVmSnapshot(ctx: JobContext, id: string): Promise<VmSnapshotRow> {
	const row = await ctx.deps.db.select().from(vmSnapshots).where(eq(vmSnapshots.id, id)).get();
	if (!row) throw new CsError(ERROR.paramError, `VM snapshot ${id} no longer exists`);
	return row;
}

/** The instance's volumes with their pools; every one must be on storage. */
async function disksOf(ctx: JobContext, vmId: string) {
	const vols = await vmVolumes(ctx.deps.db, vmId);
	const disks = [];
	for (const volume of vols) {
		if (volume.state !== "Ready" || !volume.path) {
			throw new CsError(ERROR.paramError, `Volume ${volume.name} is ${volume.state}: VM snapshots need Ready volumes`);
		}
		disks.push({ volume, ...(await poolStore(ctx.deps.db, volume)) });
	}
	return disks;
}

/** Marks `id` the instance's current snapshot (and no other). */
function makeCurrent(ctx: JobContext, vmId: string, id: string) {
	return ctx.deps.db
		.update(vmSnapshots)
		.set({ current: false })
		.where(and(eq(vmSnapshots.vmId, vmId), ne(vmSnapshots.id, id), eq(vmSnapshots.current, true)));
}

export async function runCreateVmSnapshot(ctx: JobContext, { vmSnapshotId }: VmSnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const snap = await loadVmSnapshot(ctx, vmSnapshotId);
	const answer = async (): Promise<JobAnswer> => ({
		type: "object",
		name: "vmsnapshot",
		value: await serializeVmSnapshotById(db, snap.id),
	});
	if (snap.state === "Ready") return answer();
	if (snap.removed !== null) throw new CsError(ERROR.paramError, `VM snapshot ${snap.name} was deleted`);
	const vm = await requireVm(db, snap.vmId);
	if (vm.state !== "Running" && vm.state !== "Stopped") {
		throw new CsError(ERROR.paramError, `Virtual machine ${vm.name} is ${vm.state}: it cannot be snapshotted now`);
	}
	await db
		.update(vmSnapshots)
		.set({ state: "Creating" })
		.where(and(eq(vmSnapshots.id, snap.id), eq(vmSnapshots.state, "Allocated")));
	for (const disk of await disksOf(ctx, vm.id)) {
		await agentCall(
			ctx,
			"volume.copy",
			{
				source: { store: disk.store, path: disk.volume.path ?? "" },
				target: { store: disk.store, path: vmSnapshotPath(snap.id, disk.volume.id) },
			},
			`Snapshotting volume ${disk.volume.name} of ${vm.name}`,
		);
	}
	await db.batch([
		makeCurrent(ctx, vm.id, snap.id),
		db
			.update(vmSnapshots)
			.set({ state: "Ready", current: true })
			.where(and(eq(vmSnapshots.id, snap.id), eq(vmSnapshots.state, "Creating"))),
		jobEvent(ctx, snap, {
			type: "VMSNAPSHOT.CREATE",
			description: `Created VM snapshot ${snap.name} of ${vm.name}`,
			resourceType: "VMSnapshot",
			resourceId: snap.id,
			resourceName: snap.name,
		}),
	]);
	return answer();
}

/** Removes the snapshot's copies (in the background) from the pools of the instance's volumes. */
async function removeCopies(ctx: JobContext, snap: VmSnapshotRow): Promise<void> {
	for (const volume of await vmVolumes(ctx.deps.db, snap.vmId)) {
		if (!volume.poolId) continue;
		const { store } = await poolStore(ctx.deps.db, volume);
		await cleanupLater(ctx.deps, ctx.zoneId, store, vmSnapshotPath(snap.id, volume.id));
	}
}

export async function rollbackCreateVmSnapshot(ctx: JobContext, { vmSnapshotId }: VmSnapshotPayload): Promise<void> {
	const [failed] = await ctx.deps.db
		.update(vmSnapshots)
		.set({ state: "Error", removed: ctx.deps.clock.now() })
		.where(and(eq(vmSnapshots.id, vmSnapshotId), isNull(vmSnapshots.removed), ne(vmSnapshots.state, "Ready")))
		.returning();
	if (failed) await removeCopies(ctx, failed);
}

export async function runRevertToVmSnapshot(ctx: JobContext, { vmSnapshotId }: VmSnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const snap = await loadVmSnapshot(ctx, vmSnapshotId);
	if (snap.removed !== null || (snap.state !== "Ready" && snap.state !== "Reverting")) {
		throw new CsError(ERROR.paramError, `VM snapshot ${snap.name} is ${snap.removed ? "deleted" : snap.state}`);
	}
	const vm = await requireVm(db, snap.vmId);
	if (vm.state !== "Stopped") {
		throw new CsError(
			ERROR.paramError,
			`Virtual machine ${vm.name} is ${vm.state}: stop it before reverting to a disk-only VM snapshot`,
		);
	}
	await db
		.update(vmSnapshots)
		.set({ state: "Reverting" })
		.where(and(eq(vmSnapshots.id, snap.id), eq(vmSnapshots.state, "Ready")));
	for (const disk of await disksOf(ctx, vm.id)) {
		await agentCall(
			ctx,
			"volume.copy",
			{
				source: { store: disk.store, path: vmSnapshotPath(snap.id, disk.volume.id) },
				target: { store: disk.store, path: disk.volume.path ?? "" },
			},
			`Reverting volume ${disk.volume.name} of ${vm.name}`,
		);
	}
	await db.batch([
		// The copies are standalone: the volumes no longer have their template as a backing layer.
		db
			.update(volumes)
			.set({ templateId: null })
			.where(and(eq(volumes.vmId, vm.id), isNull(volumes.removed))),
		makeCurrent(ctx, vm.id, snap.id),
		db
			.update(vmSnapshots)
			.set({ state: "Ready", current: true })
			.where(and(eq(vmSnapshots.id, snap.id), eq(vmSnapshots.state, "Reverting"))),
		jobEvent(ctx, snap, {
			type: "VMSNAPSHOT.REVERTTOVMSNAPSHOT",
			description: `Reverted ${vm.name} to VM snapshot ${snap.name}`,
			resourceType: "VMSnapshot",
			resourceId: snap.id,
			resourceName: snap.name,
		}),
	]);
	const row = await db.select().from(vmInstances).where(eq(vmInstances.id, vm.id)).get();
	return { type: "object", name: "virtualmachine", value: await serializeVm(db, row ?? vm) };
}

/** A failed revert (volume.copy renames at the end, so each volume is whole): the snapshot is Ready again. */
export async function rollbackRevertToVmSnapshot(ctx: JobContext, { vmSnapshotId }: VmSnapshotPayload): Promise<void> {
	await ctx.deps.db
		.update(vmSnapshots)
		.set({ state: "Ready" })
		.where(and(eq(vmSnapshots.id, vmSnapshotId), eq(vmSnapshots.state, "Reverting")));
}

export async function runDeleteVmSnapshot(ctx: JobContext, { vmSnapshotId }: VmSnapshotPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const snap = await loadVmSnapshot(ctx, vmSnapshotId);
	if (snap.removed !== null) return { type: "success" };
	if (snap.state !== "Ready" && snap.state !== "Error" && snap.state !== "Expunging") {
		throw new CsError(ERROR.paramError, `VM snapshot ${snap.name} is ${snap.state}: it cannot be deleted now`);
	}
	await db.update(vmSnapshots).set({ state: "Expunging" }).where(eq(vmSnapshots.id, snap.id));
	for (const volume of await vmVolumes(db, snap.vmId)) {
		if (!volume.poolId) continue;
		const { store } = await poolStore(db, volume);
		await agentCall(
			ctx,
			"store.remove",
			{ store, path: vmSnapshotPath(snap.id, volume.id) },
			`Removing VM snapshot ${snap.name} of volume ${volume.name}`,
		);
	}
	await db.batch([
		db
			.update(vmSnapshots)
			.set({ removed: ctx.deps.clock.now(), current: false })
			.where(and(eq(vmSnapshots.id, snap.id), isNull(vmSnapshots.removed))),
		// Children keep their place in the tree: they hang below the deleted one's parent.
		db.update(vmSnapshots).set({ parentId: snap.parentId }).where(eq(vmSnapshots.parentId, snap.id)),
		jobEvent(ctx, snap, {
			type: "VMSNAPSHOT.DELETE",
			description: `Deleted VM snapshot ${snap.name}`,
			resourceType: "VMSnapshot",
			resourceId: snap.id,
			resourceName: snap.name,
		}),
	]);
	return { type: "success" };
}
