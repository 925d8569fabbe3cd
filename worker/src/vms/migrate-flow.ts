/**
 * @module migrateVirtualMachine: live migration of a Running VM to another host of its cluster
 * (shared pool storage, so only memory moves). The target's capacity is reserved before the VM
 * turns Migrating and the source's released once the agent reports the guest on the target; a
 * failed or timed-out migration puts the VM back on the source and gives the target's capacity back.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { hosts, vmInstances } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { hostFitsSql, hostLimitsSql, releaseHost, reserveHost } from "./capacity";
import { vmResource } from "./lifecycle-steps";
import { agentFailure, requireVm, type VmRow, wrongState } from "./vm-rows";

export interface MigratePayload {
	vmId: string;
	/** Chosen in the request (the caller's hostid, or a suitable host of the cluster). */
	targetHostId: string;
}

export type HostRow = typeof hosts.$inferSelect;

/** Why `host` cannot take the VM, or null when it can (capacity aside). */
export function unsuitableTarget(vm: VmRow, source: HostRow | undefined, host: HostRow | undefined): string | null {
	if (!host) return "the target host does not exist";
	if (host.id === vm.hostId) return `the VM already runs on host ${host.name}`;
	if (source && host.clusterId !== source.clusterId) {
		return `host ${host.name} is not in the cluster of host ${source.name} (live migration needs shared storage)`;
	}
	if (host.state !== "Up") return `host ${host.name} is ${host.state}`;
	if (host.resourceState !== "Enabled") return `host ${host.name} is ${host.resourceState}`;
	return null;
}

export async function hostRow(db: Db, id: string | null): Promise<HostRow | undefined> {
	if (!id) return undefined;
	return db.select().from(hosts).where(eq(hosts.id, id)).get();
}

/**
 * The hosts a VM could move to, best first (most free memory): Up, Enabled, same cluster, not its
 * own, with room under the overcommitted limits. The job's reservation is the real check.
 */
export async function migrationCandidates(db: Db, vm: VmRow, source: HostRow): Promise<HostRow[]> {
	const limits = hostLimitsSql();
	return db
		.select()
		.from(hosts)
		.where(
			and(
				eq(hosts.clusterId, source.clusterId),
				ne(hosts.id, source.id),
				eq(hosts.state, "Up"),
				eq(hosts.resourceState, "Enabled"),
				hostFitsSql(vm),
			),
		)
		.orderBy(sql`${limits.memory} - ${hosts.memoryAllocated} desc`)
		.limit(10);
}

export async function migrateVm(ctx: JobContext, payload: MigratePayload): Promise<VmRow> {
	const { db, clock, relay } = ctx.deps;
	let vm = await requireVm(db, payload.vmId);
	const resumed = vm.state === "Migrating" && vm.jobId === ctx.jobId;
	if (!resumed) {
		if (vm.state !== "Running" || !vm.hostId) throw wrongState(vm, "migrate", "Running");
		const source = await hostRow(db, vm.hostId);
		const target = await hostRow(db, payload.targetHostId);
		const why = unsuitableTarget(vm, source, target);
		if (why || !target)
			throw new CsError(ERROR.paramError, `Unable to migrate virtual machine ${vm.displayName}: ${why}`);
		if (!(await reserveHost(db, target, vm))) {
			throw new CsError(
				ERROR.insufficientCapacity,
				`Unable to migrate virtual machine ${vm.displayName}: host ${target.name} has not enough free CPU or memory`,
			);
		}
		const [migrating] = await db
			.update(vmInstances)
			.set({ state: "Migrating", jobId: ctx.jobId })
			.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Running"), eq(vmInstances.hostId, vm.hostId)))
			.returning();
		if (!migrating) {
			await releaseHost(db, target.id, vm);
			throw wrongState(await requireVm(db, vm.id), "migrate", "Running");
		}
		vm = migrating;
	}
	const sourceId = vm.hostId as string;
	const moved = await relay.call(
		ctx.zoneId,
		"vm.migrate",
		{ hostId: sourceId, name: vm.instanceName, targetHostId: payload.targetHostId },
		ctx.remainingMs(),
	);
	if (!moved.ok) throw agentFailure(moved, `Unable to migrate virtual machine ${vm.displayName}`);
	const [running] = await db
		.update(vmInstances)
		.set({ state: "Running", hostId: payload.targetHostId, lastHostId: sourceId, jobId: null })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Migrating"), eq(vmInstances.jobId, ctx.jobId)))
		.returning();
	if (!running) return requireVm(db, vm.id);
	await releaseHost(db, sourceId, vm);
	const target = await hostRow(db, payload.targetHostId);
	const source = await hostRow(db, sourceId);
	await eventInsert(db, clock.now(), null, {
		type: "VM.MIGRATE",
		description: `Migrated virtual machine ${vm.displayName} (${vm.instanceName}) from host ${source?.name ?? sourceId} to host ${target?.name ?? payload.targetHostId}`,
		owner: ctx.owner,
		...vmResource(vm),
	});
	return running;
}

/** After a failure: the VM back to Running on its source, the target's reservation released. */
export async function rollbackMigrate(ctx: JobContext, payload: MigratePayload): Promise<void> {
	const { db } = ctx.deps;
	const [back] = await db
		.update(vmInstances)
		.set({ state: "Running", jobId: null })
		.where(and(eq(vmInstances.id, payload.vmId), eq(vmInstances.state, "Migrating"), eq(vmInstances.jobId, ctx.jobId)))
		.returning();
	if (back) await releaseHost(db, payload.targetHostId, back);
}
