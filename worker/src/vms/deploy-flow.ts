/**
 * @module deployVirtualMachine's job: place the instance (planner), give its NIC an address from
 * the chosen pod's guest range, then start it (start-flow: host capacity, volumes, `vm.start`) —
 * or, with startvm=false, only create its volumes and leave it Stopped. Each step reads D1 first,
 * so a re-run continues. On failure the rollback releases everything the run made: the domain,
 * host capacity, addresses, volumes (files and pool bytes); the instance ends as an expunged Error row.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { eventInsert } from "../db/events";
import { allocateGuestIp, releaseGuestIp } from "../db/repos/guest-ips";
import { guestIps, nics, storagePools, vlanIpRanges, vmInstances, volumes } from "../db/schema";
import { parseIpv4 } from "../domain/ipv4";
import type { JobContext } from "../jobs/types";
import { storeLocationOfPool } from "../templates/locations";
import { releaseHost, releasePool } from "./capacity";
import type { DeployPayload } from "./deploy-request";
import { planPlacement } from "./planner";
import { abandonStart, startVm } from "./start-flow";
import { configDrivePath, requireVm, type VmRow, volumesOf, wrongState } from "./vm-rows";
import { ensureVolumes, unplacedBytes } from "./volume-setup";

/** The pod whose guest range holds the requested address (the instance must be placed there). */
async function podOfAddress(ctx: JobContext, networkId: string, address: string): Promise<string | undefined> {
	const value = parseIpv4(address);
	if (value === null) throw new CsError(ERROR.paramError, `Invalid IP address ${address}: not an IPv4 address`);
	const row = await ctx.deps.db
		.select({ podId: guestIps.podId })
		.from(guestIps)
		.where(and(eq(guestIps.networkId, networkId), eq(guestIps.addressNum, value)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `IP address ${address} is not in a guest IP range of the network`);
	return row.podId ?? undefined;
}

/** Gives the NIC an address of `podId`'s range (the requested one if any), with its gateway and netmask. */
async function addressNic(ctx: JobContext, nic: typeof nics.$inferSelect, podId: string, requested?: string) {
	const { db } = ctx.deps;
	const address = await allocateGuestIp(db, {
		networkId: nic.networkId,
		podId,
		requested,
		owner: nic.id,
		now: ctx.deps.clock.now(),
	});
	const range = await db
		.select({ gateway: vlanIpRanges.gateway, netmask: vlanIpRanges.netmask })
		.from(guestIps)
		.innerJoin(vlanIpRanges, eq(vlanIpRanges.id, guestIps.rangeId))
		.where(and(eq(guestIps.networkId, nic.networkId), eq(guestIps.address, address)))
		.get();
	const set = await db
		.update(nics)
		.set({ ipAddress: address, gateway: range?.gateway ?? null, netmask: range?.netmask ?? null })
		.where(and(eq(nics.id, nic.id), isNull(nics.ipAddress)))
		.returning({ id: nics.id });
	if (set.length === 0) await releaseGuestIp(db, nic.networkId, address, nic.id);
}

/** Runs the deployment; answers the instance as it ends (Running, or Stopped with startvm=false). */
export async function runDeploy(ctx: JobContext, payload: DeployPayload): Promise<VmRow> {
	const { db } = ctx.deps;
	let vm = await requireVm(db, payload.vmId);
	if (vm.state === "Running") return vm;
	if (vm.state !== "Stopped" && !(vm.state === "Starting" && vm.jobId === ctx.jobId)) throw wrongState(vm, "deploy");
	const nicRows = await db.select().from(nics).where(eq(nics.vmId, vm.id));
	const nic = nicRows.find((n) => n.isDefault) ?? nicRows[0];
	let podId = payload.podId ?? vm.podId ?? undefined;
	if (nic && payload.ipAddress && !nic.ipAddress) podId ??= await podOfAddress(ctx, nic.networkId, payload.ipAddress);
	const vols = await volumesOf(db, vm.id);
	const placement =
		vm.state === "Stopped"
			? await planPlacement(ctx.deps, {
					zoneId: vm.zoneId,
					podId,
					clusterId: payload.clusterId ?? vm.clusterId ?? undefined,
					hostId: payload.hostId,
					vm,
					poolBytes: unplacedBytes(vols),
					poolId: vols.find((v) => v.poolId !== null)?.poolId ?? undefined,
					instanceName: vm.instanceName,
				})
			: undefined;
	podId = placement?.podId ?? vm.podId ?? podId;
	if (nic && !nic.ipAddress && podId) await addressNic(ctx, nic, podId, payload.ipAddress);
	if (payload.startVm) {
		return startVm(ctx, vm.id, { hostId: payload.hostId, podId, clusterId: placement?.clusterId });
	}
	if (!placement) throw wrongState(vm, "deploy");
	await db
		.update(vmInstances)
		.set({ podId: placement.podId, clusterId: placement.clusterId })
		.where(eq(vmInstances.id, vm.id));
	vm = await requireVm(db, vm.id);
	await ensureVolumes(ctx, vm, placement.poolId);
	return requireVm(db, vm.id);
}

/** Removes a file from a pool, best effort (the rollback must go on when the agent is gone). */
async function removeFile(ctx: JobContext, pool: typeof storagePools.$inferSelect, path: string): Promise<void> {
	try {
		await ctx.deps.relay.call(ctx.zoneId, "store.remove", { store: storeLocationOfPool(pool), path }, 15_000);
	} catch {
		// Nothing more to do: the file is left for the pool's cleanup.
	}
}

/** Undoes a deployment that failed or timed out: nothing it made stays held. */
export async function rollbackDeploy(ctx: JobContext, payload: DeployPayload, failure: CsError): Promise<void> {
	const { db } = ctx.deps;
	const now = ctx.deps.clock.now();
	await abandonStart(ctx, payload.vmId);
	const vm = await db.select().from(vmInstances).where(eq(vmInstances.id, payload.vmId)).get();
	if (!vm || vm.removed !== null) return;
	// The run got as far as Running before the deadline: take that back too.
	if (vm.hostId) {
		const [held] = await db
			.update(vmInstances)
			.set({ hostId: null, state: "Error" })
			.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.hostId, vm.hostId)))
			.returning({ id: vmInstances.id });
		if (held) {
			await releaseHost(db, vm.hostId, vm);
			await ctx.deps.relay.call(
				ctx.zoneId,
				"vm.stop",
				{ hostId: vm.hostId, name: vm.instanceName, graceMs: 0 },
				10_000,
			);
		}
	}
	for (const nic of await db.select().from(nics).where(eq(nics.vmId, vm.id))) {
		if (!nic.ipAddress) continue;
		await releaseGuestIp(db, nic.networkId, nic.ipAddress, nic.id);
		await db.update(nics).set({ ipAddress: null }).where(eq(nics.id, nic.id));
	}
	const vols = await db
		.select()
		.from(volumes)
		.where(and(eq(volumes.vmId, vm.id), isNull(volumes.removed)));
	for (const volume of vols) {
		const [gone] = await db
			.update(volumes)
			.set({ state: "Expunged", removed: now })
			.where(and(eq(volumes.id, volume.id), isNull(volumes.removed)))
			.returning({ id: volumes.id });
		if (!gone || !volume.poolId) continue;
		await releasePool(db, volume.poolId, volume.sizeBytes);
		const pool = await db.select().from(storagePools).where(eq(storagePools.id, volume.poolId)).get();
		if (!pool) continue;
		if (volume.path) await removeFile(ctx, pool, volume.path);
		if (volume.type === "ROOT") await removeFile(ctx, pool, configDrivePath(vm.id));
	}
	await db
		.update(vmInstances)
		.set({ state: "Error", hostId: null, jobId: null, removed: now })
		.where(eq(vmInstances.id, vm.id));
	await eventInsert(db, now, null, {
		owner: ctx.owner,
		type: "VM.CREATE",
		level: "ERROR",
		description: `Deploying virtual machine ${vm.instanceName} failed and was undone: ${failure.message}`,
		resourceType: "VirtualMachine",
		resourceId: vm.id,
		resourceName: vm.displayName,
	});
}
