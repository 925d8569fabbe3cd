/**
 * @module destroyVirtualMachine's job: stop the guest (gracefully, as CloudStack does with
 * vm.destroy.forcestop=false), mark the VM Destroyed with its ROOT volume and the data volumes the
 * caller named, and expunge at once when asked (else the cron sweep does it after expunge.delay).
 */
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Deps } from "../commands/types";
import { eventInsert } from "../db/events";
import { vmInstances, volumes } from "../db/schema";
import type { Caller } from "../domain/access";
import type { JobContext } from "../jobs/types";
import { expungeVm, VOLUME_DESTROYED } from "./expunge";
import { vmOwner, vmResource } from "./lifecycle-steps";
import { stopVm } from "./start-flow";
import { requireVm, type VmRow, wrongState } from "./vm-rows";

export interface DestroyPayload {
	vmId: string;
	expunge: boolean;
	/** Data volumes of the VM to destroy with it (the rest are detached when it is expunged). */
	volumeIds: string[];
}

/** A VM that failed before it was placed holds nothing on any host: it only changes state. */
async function errorToStopped(ctx: JobContext, vm: VmRow): Promise<VmRow> {
	const [row] = await ctx.deps.db
		.update(vmInstances)
		.set({ state: "Stopped", jobId: null })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Error"), isNull(vmInstances.hostId)))
		.returning();
	return row ?? requireVm(ctx.deps.db, vm.id);
}

/** Brings the VM to Stopped (or leaves it there); refuses states a job is in the middle of. */
async function stopForDestroy(ctx: JobContext, vm: VmRow): Promise<VmRow> {
	switch (vm.state) {
		case "Stopped":
			return vm;
		case "Running":
			return stopVm(ctx, vm.id, { forced: false });
		// Its host is lost or it failed half-way: B1's forced stop marks it Stopped even unconfirmed.
		case "Unknown":
		case "Error":
			if (vm.state === "Error" && !vm.hostId) return errorToStopped(ctx, vm);
			return stopVm(ctx, vm.id, { forced: true });
		default:
			throw wrongState(vm, "destroy", "Running or Stopped");
	}
}

export async function destroyVm(ctx: JobContext, payload: DestroyPayload): Promise<VmRow> {
	const { db, clock } = ctx.deps;
	const existing = await db.select().from(vmInstances).where(eq(vmInstances.id, payload.vmId)).get();
	// A re-run of this job after it had already expunged: the job's own result, once more.
	if (existing?.removed && existing.jobId === ctx.jobId) return existing;
	let vm = await requireVm(db, payload.vmId);
	const resumed = vm.jobId === ctx.jobId && (vm.state === "Destroyed" || vm.state === "Expunging");
	// destroy with expunge=true of a VM destroyed earlier: the expunge that is still due.
	if (!resumed && payload.expunge && vm.state === "Destroyed") return expungeVm(ctx, vm.id);
	if (!resumed) {
		vm = await stopForDestroy(ctx, vm);
		if (vm.state !== "Stopped") throw wrongState(vm, "destroy", "Running or Stopped");
		const now = clock.now();
		const [destroyed] = await db
			.update(vmInstances)
			.set({ state: "Destroyed", destroyed: now, jobId: ctx.jobId, hostId: null })
			.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Stopped")))
			.returning();
		if (!destroyed) throw wrongState(await requireVm(db, vm.id), "destroy", "Running or Stopped");
		vm = destroyed;
		await db
			.update(volumes)
			.set({ state: VOLUME_DESTROYED })
			.where(
				and(
					eq(volumes.vmId, vm.id),
					isNull(volumes.removed),
					payload.volumeIds.length > 0
						? or(eq(volumes.type, "ROOT"), inArray(volumes.id, payload.volumeIds))
						: eq(volumes.type, "ROOT"),
				),
			);
		await eventInsert(db, now, null, {
			type: "VM.DESTROY",
			description: `Destroyed virtual machine ${vm.displayName} (${vm.instanceName})`,
			owner: ctx.owner,
			...vmResource(vm),
		});
	}
	if (payload.expunge) return expungeVm(ctx, vm.id);
	return vm;
}

/**
 * recoverVirtualMachine (synchronous, as CloudStack's): Destroyed → Stopped, and its destroyed
 * volumes back to Ready. A compare-and-set, so a queued expunge that comes later finds it Stopped.
 */
export async function recoverVm(deps: Deps, caller: Caller, vm: VmRow): Promise<VmRow> {
	const { db, clock } = deps;
	const [row] = await db
		.update(vmInstances)
		.set({ state: "Stopped", destroyed: null, jobId: null })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Destroyed"), isNull(vmInstances.removed)))
		.returning();
	if (!row) throw wrongState(await requireVm(db, vm.id), "recover", "Destroyed");
	await db
		.update(volumes)
		.set({ state: "Ready" })
		.where(and(eq(volumes.vmId, vm.id), eq(volumes.state, VOLUME_DESTROYED), isNull(volumes.removed)));
	await eventInsert(db, clock.now(), caller, {
		type: "VM.RECOVER",
		description: `Recovered virtual machine ${vm.displayName} (${vm.instanceName})`,
		owner: vmOwner(vm),
		...vmResource(vm),
	});
	return row;
}
