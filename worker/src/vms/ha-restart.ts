/**
 * @module HA: a VM of an HA offering whose host went Down is started again on another host of its
 * cluster. One job per VM (on its `vm:<id>` resource, so it queues behind anything else on it):
 * the VM, Unknown, is given up on its dead host (capacity released, VM.STOP) and started through
 * B1's `startVm` with that host excluded. Host truth may have brought it back first (the host
 * returned and still runs it): then there is nothing to do.
 */
import { and, eq } from "drizzle-orm";
import type { Deps } from "../commands/types";
import { raiseAlert } from "../db/alerts";
import { eventInsert } from "../db/events";
import { vmInstances } from "../db/schema";
import { ALERT_TYPE } from "../domain/alert-types";
import { startJob } from "../jobs/start";
import type { JobContext, JobKind } from "../jobs/types";
import { logError } from "../lib/log";
import { releaseHost } from "./capacity";
import { vmOwner, vmResource, vmResult } from "./lifecycle-steps";
import { startVm } from "./start-flow";
import { requireVm, type VmRow } from "./vm-rows";

export interface HaRestartPayload {
	vmId: string;
	/** The host that went Down (never chosen again by this restart). */
	downHostId: string;
}

export const HA_RESTART_KIND = "vm.haRestart";

async function giveUpDeadHost(ctx: JobContext, vm: VmRow, downHostId: string): Promise<VmRow | null> {
	const { db, clock } = ctx.deps;
	const [row] = await db
		.update(vmInstances)
		.set({ state: "Stopped", hostId: null, lastHostId: downHostId, jobId: ctx.jobId })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Unknown"), eq(vmInstances.hostId, downHostId)))
		.returning();
	if (!row) return null;
	await releaseHost(db, downHostId, vm);
	await eventInsert(db, clock.now(), null, {
		type: "VM.STOP",
		level: "WARN",
		description: `Virtual machine ${vm.displayName} (${vm.instanceName}) is restarted elsewhere (HA): its host went Down`,
		owner: ctx.owner,
		...vmResource(vm),
	});
	return row;
}

export const haRestartJob: JobKind<HaRestartPayload> = {
	async run(ctx, payload) {
		const { db } = ctx.deps;
		let vm = await requireVm(db, payload.vmId);
		if (vm.state === "Unknown" && vm.hostId === payload.downHostId) {
			vm = (await giveUpDeadHost(ctx, vm, payload.downHostId)) ?? (await requireVm(db, vm.id));
		}
		// Stopped by this job (possibly in a run cut off before the start): start it elsewhere.
		if (vm.state === "Stopped" && vm.jobId === ctx.jobId) {
			const clusterId = vm.clusterId ?? undefined;
			vm = await startVm(ctx, vm.id, { clusterId, excludeHostIds: [payload.downHostId] });
		}
		return vmResult(db, vm);
	},
	// No host could take it: it stays Stopped, unclaimed, for an admin to start.
	async rollback(ctx, payload) {
		await ctx.deps.db
			.update(vmInstances)
			.set({ jobId: null })
			.where(and(eq(vmInstances.id, payload.vmId), eq(vmInstances.state, "Stopped"), eq(vmInstances.jobId, ctx.jobId)));
	},
};

/** Starts one HA restart job per VM (from the relay's host-Down handling); failures are logged. */
export async function startHaRestarts(deps: Deps, vms: readonly VmRow[], downHostId: string): Promise<void> {
	for (const vm of vms) {
		try {
			await raiseAlert(deps.db, deps.clock.now(), {
				type: ALERT_TYPE.HA_ACTION,
				subject: `HA is restarting VM ${vm.instanceName}: its host went Down`,
				description: `VM ${vm.displayName} (${vm.id}) of an HA offering ran on host ${downHostId}, which went Down; it is started on another host of its cluster`,
				zoneId: vm.zoneId,
				podId: vm.podId,
				clusterId: vm.clusterId,
			});
			await startJob(deps, vmOwner(vm), {
				kind: HA_RESTART_KIND,
				zoneId: vm.zoneId,
				resource: `vm:${vm.id}`,
				cmd: "org.apache.cloudstack.api.command.user.vm.StartVMCmd",
				instanceType: "VirtualMachine",
				instanceId: vm.id,
				payload: { vmId: vm.id, downHostId } satisfies HaRestartPayload,
			});
		} catch (error) {
			logError(`relay:${vm.zoneId}`, `starting the HA restart of VM ${vm.id} failed`, error);
		}
	}
}
