/**
 * @module Expunging a destroyed VM: its files go (ROOT and destroyed data volumes, the config drive,
 * disk-only VM snapshot copies) as background `store.remove` cleanups the zone's relay keeps until
 * its agent runs them, the pool bytes and guest addresses are released, data disks still attached
 * are detached (kept, as CloudStack does), and the row gets `removed` (VM.EXPUNGE). Every step is a
 * compare-and-set, so a re-run after a restart finishes what a cut-off run began.
 *
 * Also the cron sweep that expunges VMs destroyed more than `expunge.delay` seconds ago.
 */
import type { StoreLocation } from "@flarestack/protocol";
import { and, eq, inArray, isNull, lte, ne, or } from "drizzle-orm";
import type { Deps } from "../commands/types";
import { eventInsert } from "../db/events";
import { releaseGuestIp } from "../db/repos/guest-ips";
import { asyncJobs, nics, storagePools, vmInstances, vmSnapshots, volumes } from "../db/schema";
import { startJob } from "../jobs/start";
import type { JobContext } from "../jobs/types";
import { logError, logWarn } from "../lib/log";
import { storeLocationOfPool } from "../templates/locations";
import { CLEANUP_TIMEOUT_MS } from "../templates/remove";
import { releasePool } from "./capacity";
import { vmOwner, vmResource } from "./lifecycle-steps";
import { configDrivePath, requireVm, type VmRow, wrongState } from "./vm-rows";

/** The state a destroyed volume waits in until its VM is expunged (CloudStack's `Destroy`). */
export const VOLUME_DESTROYED = "Destroy";

/** At most this many VMs are handed to expunge jobs per cron run (the rest wait a minute). */
const SWEEP_BATCH = 50;

export const EXPUNGE_JOB = {
	kind: "vm.expunge",
	cmd: "org.apache.cloudstack.api.command.admin.vm.ExpungeVMCmd",
} as const;

/** The pool copy of one volume in a disk-only VM snapshot (snapshots/ of helper C keep this name). */
export function vmSnapshotCopyPath(vmSnapshotId: string, volumeId: string): string {
	return `vmsnap-${vmSnapshotId}-${volumeId}.qcow2`;
}

async function removeFile(ctx: JobContext, store: StoreLocation, path: string): Promise<void> {
	const started = await ctx.deps.relay.start(
		ctx.zoneId,
		"store.remove",
		{ store, path },
		{ timeoutMs: CLEANUP_TIMEOUT_MS, context: { kind: "cleanup" } },
	);
	if (!started.ok) logWarn(`jobs:${ctx.zoneId}`, "expunge cleanup not started", { path, text: started.text });
}

/**
 * Expunges a Destroyed (or half-expunged) VM. Answers the row as it ends (state Expunging,
 * `removed` set); a VM already expunged is answered as it is.
 */
export async function expungeVm(ctx: JobContext, vmId: string): Promise<VmRow> {
	const { db, clock } = ctx.deps;
	const found = await db.select().from(vmInstances).where(eq(vmInstances.id, vmId)).get();
	if (found?.removed) return found;
	const vm = found ?? (await requireVm(db, vmId));
	if (vm.state !== "Destroyed" && vm.state !== "Expunging") throw wrongState(vm, "expunge", "Destroyed");
	const [expunging] = await db
		.update(vmInstances)
		.set({ state: "Expunging", jobId: ctx.jobId })
		.where(and(eq(vmInstances.id, vmId), inArray(vmInstances.state, ["Destroyed", "Expunging"])))
		.returning();
	if (!expunging) return expungeVm(ctx, vmId);

	const attached = await db
		.select({ volume: volumes, pool: storagePools })
		.from(volumes)
		.leftJoin(storagePools, eq(storagePools.id, volumes.poolId))
		.where(and(eq(volumes.vmId, vmId), isNull(volumes.removed)));
	const root = attached.find(({ volume }) => volume.type === "ROOT");
	if (root?.pool) await removeFile(ctx, storeLocationOfPool(root.pool), configDrivePath(vmId));
	await removeVmSnapshotCopies(ctx, vmId, attached);

	for (const { volume, pool } of attached) {
		if (volume.type !== "ROOT" && volume.state !== VOLUME_DESTROYED) {
			// A data disk the destroy did not name outlives its VM, detached (CloudStack's rule).
			await db
				.update(volumes)
				.set({ vmId: null, deviceId: null, attached: null })
				.where(and(eq(volumes.id, volume.id), eq(volumes.vmId, vmId)));
			continue;
		}
		if (pool && volume.path) await removeFile(ctx, storeLocationOfPool(pool), volume.path);
		const [gone] = await db
			.update(volumes)
			.set({ state: "Expunged", removed: clock.now() })
			.where(and(eq(volumes.id, volume.id), isNull(volumes.removed)))
			.returning({ id: volumes.id });
		// Released once: only the run whose compare-and-set removed the volume gives the bytes back.
		if (gone && volume.poolId) await releasePool(db, volume.poolId, volume.sizeBytes);
	}

	const vmNics = await db.select().from(nics).where(eq(nics.vmId, vmId));
	for (const nic of vmNics) {
		if (nic.ipAddress) await releaseGuestIp(db, nic.networkId, nic.ipAddress, nic.id);
	}
	if (vmNics.length > 0) await db.delete(nics).where(eq(nics.vmId, vmId));

	const now = clock.now();
	const [removed] = await db
		.update(vmInstances)
		// jobId stays: a re-run of the job that expunged can tell its own finished work.
		.set({ removed: now, jobId: ctx.jobId })
		.where(and(eq(vmInstances.id, vmId), isNull(vmInstances.removed)))
		.returning();
	if (!removed) return (await db.select().from(vmInstances).where(eq(vmInstances.id, vmId)).get()) ?? expunging;
	await eventInsert(db, now, null, {
		type: "VM.EXPUNGE",
		description: `Expunged virtual machine ${vm.displayName} (${vm.instanceName})`,
		owner: ctx.owner,
		...vmResource(vm),
	});
	return removed;
}

/** The pool copies of the VM's disk-only snapshots go with it (their rows get `removed`). */
async function removeVmSnapshotCopies(
	ctx: JobContext,
	vmId: string,
	attached: { volume: typeof volumes.$inferSelect; pool: typeof storagePools.$inferSelect | null }[],
): Promise<void> {
	const { db, clock } = ctx.deps;
	const snaps = await db
		.select({ id: vmSnapshots.id })
		.from(vmSnapshots)
		.where(and(eq(vmSnapshots.vmId, vmId), isNull(vmSnapshots.removed)));
	for (const snap of snaps) {
		for (const { volume, pool } of attached) {
			if (pool) await removeFile(ctx, storeLocationOfPool(pool), vmSnapshotCopyPath(snap.id, volume.id));
		}
	}
	if (snaps.length > 0) {
		await db
			.update(vmSnapshots)
			.set({ removed: clock.now(), state: "Expunging" })
			.where(and(eq(vmSnapshots.vmId, vmId), isNull(vmSnapshots.removed)));
	}
}

/**
 * The cron task: VMs Destroyed for longer than `expunge.delay` get an expunge job each, unless a
 * job of theirs is still pending (last minute's sweep). The job's id is kept in `jobId` so the next
 * sweep sees it.
 */
export async function sweepDestroyedVms(deps: Deps): Promise<number> {
	const { db, clock, settings } = deps;
	const cutoff = clock.now() - settings.int("expunge.delay") * 1000;
	const due = await db
		.select({ vm: vmInstances, jobStatus: asyncJobs.status })
		.from(vmInstances)
		.leftJoin(asyncJobs, eq(asyncJobs.id, vmInstances.jobId))
		.where(
			and(
				eq(vmInstances.state, "Destroyed"),
				isNull(vmInstances.removed),
				lte(vmInstances.destroyed, cutoff),
				or(isNull(asyncJobs.status), ne(asyncJobs.status, 0)),
			),
		)
		.limit(SWEEP_BATCH);
	let started = 0;
	for (const { vm } of due) {
		try {
			const jobId = await startJob(deps, vmOwner(vm), {
				kind: EXPUNGE_JOB.kind,
				zoneId: vm.zoneId,
				resource: `vm:${vm.id}`,
				cmd: EXPUNGE_JOB.cmd,
				instanceType: "VirtualMachine",
				instanceId: vm.id,
				payload: { vmId: vm.id },
			});
			await db
				.update(vmInstances)
				.set({ jobId })
				.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Destroyed")));
			started += 1;
		} catch (error) {
			logError("scheduled", `starting the expunge of VM ${vm.id} failed`, error);
		}
	}
	return started;
}
