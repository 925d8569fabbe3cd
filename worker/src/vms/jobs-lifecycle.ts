/**
 * @module The VM lifecycle job kinds (helper B2's family): reboot, destroy, expunge, migrate,
 * scale and the HA restart. Each `run` loads the VM afresh and checks its state (jobs queue behind
 * each other on `vm:<id>`), and is safe to run again from the start.
 */
import { and, eq } from "drizzle-orm";
import { eventInsert } from "../db/events";
import { vmInstances } from "../db/schema";
import type { JobContext, JobKind } from "../jobs/types";
import { type DestroyPayload, destroyVm } from "./destroy-flow";
import { EXPUNGE_JOB, expungeVm } from "./expunge";
import { HA_RESTART_KIND, haRestartJob } from "./ha-restart";
import { HOST_MAINTENANCE_KIND, hostMaintenanceJob } from "./host-maintenance";
import { vmResource, vmResult } from "./lifecycle-steps";
import { type MigratePayload, migrateVm, rollbackMigrate } from "./migrate-flow";
import { agentFailure, requireVm, wrongState } from "./vm-rows";

export interface VmPayload {
	vmId: string;
}

export interface ScalePayload extends VmPayload {
	serviceOfferingId: string;
	cpuNumber: number;
	cpuSpeed: number;
	memory: number;
	/** The new offering's offerHa (CloudStack's VM HA flag follows the offering). */
	haEnabled: boolean;
}

async function releaseJobClaim(ctx: JobContext, vmId: string): Promise<void> {
	await ctx.deps.db
		.update(vmInstances)
		.set({ jobId: null })
		.where(and(eq(vmInstances.id, vmId), eq(vmInstances.jobId, ctx.jobId)));
}

/** A hard reset on the host (the agent's vm.reboot is `virsh reset`); the VM stays Running. */
const rebootJob: JobKind<VmPayload> = {
	async run(ctx, { vmId }) {
		const { db, clock, relay } = ctx.deps;
		const vm = await requireVm(db, vmId);
		if (vm.state !== "Running" || !vm.hostId) throw wrongState(vm, "reboot", "Running");
		// Claimed while it runs, so host truth does not take the reset's blip for a stop.
		await db
			.update(vmInstances)
			.set({ jobId: ctx.jobId })
			.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, "Running")));
		const reset = await relay.call(
			ctx.zoneId,
			"vm.reboot",
			{ hostId: vm.hostId, name: vm.instanceName },
			Math.min(ctx.remainingMs(), 120_000),
		);
		if (!reset.ok) throw agentFailure(reset, `Unable to reboot virtual machine ${vm.displayName}`);
		await releaseJobClaim(ctx, vmId);
		await eventInsert(db, clock.now(), null, {
			type: "VM.REBOOT",
			description: `Rebooted virtual machine ${vm.displayName} (${vm.instanceName})`,
			owner: ctx.owner,
			...vmResource(vm),
		});
		return vmResult(db, await requireVm(db, vmId));
	},
	rollback: (ctx, { vmId }) => releaseJobClaim(ctx, vmId),
};

const destroyJob: JobKind<DestroyPayload> = {
	async run(ctx, payload) {
		return vmResult(ctx.deps.db, await destroyVm(ctx, payload));
	},
};

const expungeJob: JobKind<VmPayload> = {
	async run(ctx, { vmId }) {
		await expungeVm(ctx, vmId);
		return { type: "success" };
	},
};

const migrateJob: JobKind<MigratePayload> = {
	async run(ctx, payload) {
		return vmResult(ctx.deps.db, await migrateVm(ctx, payload));
	},
	rollback: (ctx, payload) => rollbackMigrate(ctx, payload),
};

/** A new offering for a Stopped VM (the sizes were resolved in the request). */
const scaleJob: JobKind<ScalePayload> = {
	async run(ctx, payload) {
		const { db, clock } = ctx.deps;
		const vm = await requireVm(db, payload.vmId);
		if (vm.state !== "Stopped") throw wrongState(vm, "scale", "Stopped");
		const [row] = await db
			.update(vmInstances)
			.set({
				serviceOfferingId: payload.serviceOfferingId,
				cpuNumber: payload.cpuNumber,
				cpuSpeed: payload.cpuSpeed,
				memory: payload.memory,
				haEnabled: payload.haEnabled,
			})
			.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Stopped")))
			.returning();
		if (!row) throw wrongState(await requireVm(db, vm.id), "scale", "Stopped");
		await eventInsert(db, clock.now(), null, {
			type: "VM.UPGRADE",
			description: `Scaled virtual machine ${vm.displayName} (${vm.instanceName}) to ${payload.cpuNumber} x ${payload.cpuSpeed} MHz, ${payload.memory} MB`,
			owner: ctx.owner,
			...vmResource(vm),
		});
		return vmResult(db, row);
	},
};

export const LIFECYCLE_KINDS = {
	reboot: "vm.reboot",
	destroy: "vm.destroy",
	expunge: EXPUNGE_JOB.kind,
	migrate: "vm.migrate",
	scale: "vm.scale",
	haRestart: HA_RESTART_KIND,
} as const;

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type
export const vmLifecycleJobs: Record<string, JobKind<any>> = {
	[LIFECYCLE_KINDS.reboot]: rebootJob,
	[LIFECYCLE_KINDS.destroy]: destroyJob,
	[LIFECYCLE_KINDS.expunge]: expungeJob,
	[LIFECYCLE_KINDS.migrate]: migrateJob,
	[LIFECYCLE_KINDS.scale]: scaleJob,
	[LIFECYCLE_KINDS.haRestart]: haRestartJob,
	[HOST_MAINTENANCE_KIND]: hostMaintenanceJob,
};
