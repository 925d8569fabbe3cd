/**
 * @module Starting and stopping an instance inside a job. Start: plan → reserve the host's CPU and
 * memory (compare-and-set) together with Stopped → Starting → volumes on storage → `vm.start` →
 * Running (event VM.START). Stop: Running → Stopping → `vm.stop` → Stopped, capacity released
 * (event VM.STOP). The row's `jobId` marks the job that owns a transition, so a re-run of the same
 * job resumes it and anybody else's compare-and-set fails. A failed start gives everything back.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { eventInsert } from "../db/events";
import { hosts, serviceOfferings, vmInstances } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { releaseHost, reserveHost } from "./capacity";
import { domainSpecFor } from "./domain-spec";
import { type Placement, planCandidates, whyNoPlacement } from "./planner";
import { agentFailure, requireVm, type VmRow, volumesOf, wrongState } from "./vm-rows";
import { ensureVolumes, unplacedBytes } from "./volume-setup";

export interface StartOptions {
	hostId?: string | undefined;
	podId?: string | undefined;
	clusterId?: string | undefined;
	excludeHostIds?: readonly string[] | undefined;
}

/** How long a forced `vm.stop` may take beyond the grace period. */
const STOP_SLACK_MS = 30_000;

function eventOwner(ctx: JobContext) {
	return { owner: { userId: ctx.owner.userId, accountId: ctx.owner.accountId, domainId: ctx.owner.domainId } };
}

/** Tries the placements in order until one host's capacity and the row's Stopped → Starting both succeed. */
async function claimHost(ctx: JobContext, vm: VmRow, candidates: Placement[]): Promise<Placement | null> {
	const { db } = ctx.deps;
	for (const placement of candidates) {
		if (!(await reserveHost(db, { id: placement.hostId }, vm))) continue;
		const moved = await db
			.update(vmInstances)
			.set({
				state: "Starting",
				hostId: placement.hostId,
				podId: placement.podId,
				clusterId: placement.clusterId,
				jobId: ctx.jobId,
			})
			.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Stopped"), isNull(vmInstances.removed)))
			.returning({ id: vmInstances.id });
		if (moved.length > 0) return placement;
		await releaseHost(db, placement.hostId, vm);
		throw wrongState(await requireVm(db, vm.id), "start");
	}
	return null;
}

/** The pool for volumes still to be placed on an instance that already holds `hostId`. */
async function poolForHost(ctx: JobContext, vm: VmRow, hostId: string, poolBytes: number): Promise<string | undefined> {
	if (poolBytes === 0) return undefined;
	const [placement] = await planCandidates(ctx.deps, {
		zoneId: vm.zoneId,
		hostId,
		// The host's capacity is already held by this instance: check storage only.
		vm: { cpuNumber: 0, cpuSpeed: 0, memory: 0 },
		poolBytes,
	});
	return placement?.poolId;
}

/**
 * Undoes a start this job began: Starting → Stopped, the host's capacity back, and a forced stop
 * of the domain in case `vm.start` got through after all. Does nothing when the job no longer owns it.
 */
export async function abandonStart(ctx: JobContext, vmId: string): Promise<void> {
	const { db } = ctx.deps;
	const vm = await db.select().from(vmInstances).where(eq(vmInstances.id, vmId)).get();
	if (vm?.state !== "Starting" || vm.jobId !== ctx.jobId) return;
	const undone = await db
		.update(vmInstances)
		.set({ state: "Stopped", hostId: null, jobId: null })
		.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, "Starting"), eq(vmInstances.jobId, ctx.jobId)))
		.returning({ id: vmInstances.id });
	if (undone.length === 0 || !vm.hostId) return;
	await releaseHost(db, vm.hostId, vm);
	await ctx.deps.relay.call(ctx.zoneId, "vm.stop", { hostId: vm.hostId, name: vm.instanceName, graceMs: 0 }, 10_000);
}

/** Runs the instance on a host (see the module comment); answers its Running row. */
export async function startVm(ctx: JobContext, vmId: string, options: StartOptions = {}): Promise<VmRow> {
	const { db } = ctx.deps;
	let vm = await requireVm(db, vmId);
	if (vm.state === "Running") return vm;
	const resuming = vm.state === "Starting" && vm.jobId === ctx.jobId && vm.hostId !== null;
	if (!resuming && vm.state !== "Stopped") throw wrongState(vm, "start");
	const vols = await volumesOf(db, vmId);
	const poolBytes = unplacedBytes(vols);
	const fixedPool = vols.find((v) => v.poolId !== null)?.poolId ?? undefined;
	let poolId = fixedPool;
	if (!resuming) {
		const offering = await db
			.select({ hostTags: serviceOfferings.hostTags })
			.from(serviceOfferings)
			.where(eq(serviceOfferings.id, vm.serviceOfferingId))
			.get();
		const request = {
			zoneId: vm.zoneId,
			// The NIC's address belongs to the pod's guest range: stay in the pod unless told otherwise.
			podId: options.podId ?? vm.podId ?? undefined,
			clusterId: options.clusterId,
			hostId: options.hostId,
			excludeHostIds: options.excludeHostIds,
			vm,
			poolBytes,
			poolId: fixedPool,
			hostTags: offering?.hostTags,
			instanceName: vm.instanceName,
		};
		const placement = await claimHost(ctx, vm, await planCandidates(ctx.deps, request));
		if (!placement) throw await whyNoPlacement(ctx.deps, request);
		poolId = fixedPool ?? placement.poolId;
		vm = await requireVm(db, vmId);
	}
	const hostId = vm.hostId as string;
	try {
		poolId ??= await poolForHost(ctx, vm, hostId, poolBytes);
		await ensureVolumes(ctx, vm, poolId);
		const host = await db.select().from(hosts).where(eq(hosts.id, hostId)).get();
		if (!host) throw new CsError(ERROR.resourceUnavailable, `Host ${hostId} is gone`);
		const domain = await domainSpecFor(db, vmId, host);
		const started = await ctx.deps.relay.call(ctx.zoneId, "vm.start", { hostId, domain }, ctx.remainingMs());
		if (!started.ok) throw agentFailure(started, `Starting ${vm.instanceName} on host ${host.name}`);
		const now = ctx.deps.clock.now();
		const [running] = await db
			.update(vmInstances)
			.set({ state: "Running", jobId: null, lastHostId: hostId })
			.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, "Starting"), eq(vmInstances.jobId, ctx.jobId)))
			.returning();
		if (!running) throw wrongState(await requireVm(db, vmId), "start");
		await eventInsert(db, now, null, {
			...eventOwner(ctx),
			type: "VM.START",
			description: `Started virtual machine ${vm.instanceName} on host ${host.name}`,
			resourceType: "VirtualMachine",
			resourceId: vm.id,
			resourceName: vm.displayName,
		});
		return running;
	} catch (error) {
		await abandonStart(ctx, vmId);
		throw error;
	}
}

/** Gives a stop this job began back to Running (a non-forced stop that did not get through). */
export async function abandonStop(ctx: JobContext, vmId: string): Promise<void> {
	await ctx.deps.db
		.update(vmInstances)
		.set({ state: "Running", jobId: null })
		.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, "Stopping"), eq(vmInstances.jobId, ctx.jobId)));
}

/** States a stop may start from: Running, and with `forced` also a VM whose host stopped answering. */
function stoppable(state: string, forced: boolean): boolean {
	return state === "Running" || (forced && (state === "Unknown" || state === "Error"));
}

/**
 * Stops the instance (forced: at once, and marked Stopped even when its host cannot be reached, as
 * CloudStack's forced stop does); releases its host's capacity. A Stopped instance is answered as is.
 */
export async function stopVm(ctx: JobContext, vmId: string, options: { forced: boolean }): Promise<VmRow> {
	const { db, settings } = ctx.deps;
	const vm = await requireVm(db, vmId);
	if (vm.state === "Stopped") return vm;
	const resuming = vm.state === "Stopping" && vm.jobId === ctx.jobId;
	if (!resuming) {
		if (!stoppable(vm.state, options.forced)) throw wrongState(vm, "stop");
		// Jobs on one instance run one at a time, so a job id left on a Running row is stale (a
		// job cut off mid-way); the compare-and-set still fails if anything moved since the read.
		const sameJob = vm.jobId === null ? isNull(vmInstances.jobId) : eq(vmInstances.jobId, vm.jobId);
		const moved = await db
			.update(vmInstances)
			.set({ state: "Stopping", jobId: ctx.jobId })
			.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, vm.state), sameJob))
			.returning({ id: vmInstances.id });
		if (moved.length === 0) throw wrongState(await requireVm(db, vmId), "stop");
	}
	let warning = "";
	if (vm.hostId) {
		const graceMs = options.forced ? 0 : settings.int("vm.stop.grace.period") * 1000;
		const timeoutMs = Math.min(ctx.remainingMs(), graceMs + STOP_SLACK_MS);
		const stopped = await ctx.deps.relay.call(
			ctx.zoneId,
			"vm.stop",
			{ hostId: vm.hostId, name: vm.instanceName, graceMs },
			timeoutMs,
		);
		if (!stopped.ok) {
			if (!options.forced) {
				await abandonStop(ctx, vmId);
				throw agentFailure(stopped, `Stopping ${vm.instanceName}`);
			}
			warning = ` (its host did not confirm: ${stopped.text})`;
		}
	}
	const [done] = await db
		.update(vmInstances)
		.set({ state: "Stopped", hostId: null, lastHostId: vm.hostId ?? vm.lastHostId, jobId: null })
		.where(and(eq(vmInstances.id, vmId), eq(vmInstances.state, "Stopping"), eq(vmInstances.jobId, ctx.jobId)))
		.returning();
	if (!done) throw wrongState(await requireVm(db, vmId), "stop");
	if (vm.hostId) await releaseHost(db, vm.hostId, vm);
	await eventInsert(db, ctx.deps.clock.now(), null, {
		...eventOwner(ctx),
		type: "VM.STOP",
		level: warning ? "WARN" : "INFO",
		description: `Stopped virtual machine ${vm.instanceName}${warning}`,
		resourceType: "VirtualMachine",
		resourceId: vm.id,
		resourceName: vm.displayName,
	});
	return done;
}
