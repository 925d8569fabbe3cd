/**
 * @module attachVolume and detachVolume as jobs (also createVolume with a virtualmachineid). Each
 * step looks at D1 first, so a re-run after a restart continues where the last run stopped: an
 * Allocated volume is first made on the instance's root pool (volume.create), then given a device
 * id, then hot-plugged when the instance runs, and only then marked `attached`.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { volumes } from "../db/schema";
import type { JobContext } from "../jobs/types";
import { storeLocationOfPool } from "../templates/locations";
import { releasePool, reservePool } from "../vms/capacity";
import { diskSpecFor } from "../vms/domain-spec";
import { requireVm } from "../vms/vm-rows";
import type { VmRow, VolumeRow } from "./access";
import { diskTargetOf, nextDeviceId, volumePath } from "./paths";
import {
	agentCall,
	hasVmSnapshots,
	type JobAnswer,
	jobEvent,
	loadPool,
	loadVolume,
	vmVolumes,
	volumeResult,
} from "./site";

export interface AttachPayload {
	volumeId: string;
	vmId: string;
	deviceId?: number | undefined;
}

/** Instances a disk may be attached to or detached from. */
export function requireSteadyVm(vm: VmRow, action: string): void {
	if (vm.state !== "Running" && vm.state !== "Stopped") {
		throw new CsError(
			ERROR.paramError,
			`Virtual machine ${vm.name} is ${vm.state}: volumes can be ${action} only while it is Running or Stopped`,
		);
	}
}

/** The instance's pool for new disks: where its ROOT volume is. */
async function rootPoolId(ctx: JobContext, vm: VmRow): Promise<string> {
	const root = (await vmVolumes(ctx.deps.db, vm.id)).find((v) => v.type === "ROOT");
	if (!root?.poolId) throw new CsError(ERROR.paramError, `Virtual machine ${vm.name} has no root volume on storage`);
	return root.poolId;
}

async function rootOnStorage(ctx: JobContext, vm: VmRow): Promise<boolean> {
	const root = (await vmVolumes(ctx.deps.db, vm.id)).find((v) => v.type === "ROOT");
	return root?.poolId != null && root.state === "Ready";
}

/** CSExceptionErrorCode of InsufficientStorageCapacityException. */
const INSUFFICIENT_STORAGE_CS = 4340;

export function noRoom(volume: Pick<VolumeRow, "name" | "sizeBytes">, poolId: string): CsError {
	return new CsError(
		ERROR.insufficientCapacity,
		`Unable to place volume ${volume.name}: storage pool ${poolId} has no room for ${volume.sizeBytes} more bytes`,
		{ csCode: INSUFFICIENT_STORAGE_CS },
	);
}

/** Puts an Allocated volume on the instance's pool: claim (Creating), capacity, then the file. */
async function createOnPool(ctx: JobContext, volume: VolumeRow, vm: VmRow): Promise<VolumeRow> {
	const { db } = ctx.deps;
	if (volume.state === "Allocated") {
		const poolId = await rootPoolId(ctx, vm);
		if (!(await reservePool(db, poolId, volume.sizeBytes))) throw noRoom(volume, poolId);
		const [claimed] = await db
			.update(volumes)
			.set({ state: "Creating", poolId, path: volumePath(volume.id) })
			.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Allocated"), isNull(volumes.poolId)))
			.returning();
		if (!claimed) {
			await releasePool(db, poolId, volume.sizeBytes);
			return createOnPool(ctx, await loadVolume(db, volume.id), vm);
		}
		volume = claimed;
	}
	if (volume.state !== "Creating" || !volume.poolId) return volume;
	const pool = await loadPool(db, volume.poolId);
	await agentCall(
		ctx,
		"volume.create",
		{ store: storeLocationOfPool(pool), path: volumePath(volume.id), sizeBytes: volume.sizeBytes },
		`Creating volume ${volume.name} on storage pool ${pool.name}`,
	);
	const [ready] = await db
		.update(volumes)
		.set({ state: "Ready" })
		.where(and(eq(volumes.id, volume.id), eq(volumes.state, "Creating")))
		.returning();
	return ready ?? loadVolume(db, volume.id);
}

/** Gives the volume the instance's next free device id (or the one asked for). */
async function claimDevice(ctx: JobContext, volume: VolumeRow, vm: VmRow, wanted?: number): Promise<VolumeRow> {
	const { db } = ctx.deps;
	const used = (await vmVolumes(db, vm.id)).map((v) => v.deviceId ?? 0);
	if (wanted !== undefined && (used.includes(wanted) || wanted < 1 || wanted > 25)) {
		throw new CsError(
			ERROR.paramError,
			`Device id ${wanted} is in use or out of range (1-25) on virtual machine ${vm.name}`,
		);
	}
	const deviceId = wanted ?? nextDeviceId(used);
	if (deviceId === undefined) {
		throw new CsError(ERROR.paramError, `Virtual machine ${vm.name} has no free disk slot left`);
	}
	const [claimed] = await db
		.update(volumes)
		.set({ vmId: vm.id, deviceId })
		.where(and(eq(volumes.id, volume.id), isNull(volumes.vmId)))
		.returning();
	if (!claimed) throw new CsError(ERROR.paramError, `Volume ${volume.name} was attached elsewhere meanwhile`);
	return claimed;
}

export async function runAttach(ctx: JobContext, payload: AttachPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	let volume = await loadVolume(db, payload.volumeId);
	const vm = await requireVm(db, payload.vmId);
	if (volume.vmId === vm.id && volume.attached !== null) return volumeResult(db, volume.id);
	if (volume.vmId && volume.vmId !== vm.id) {
		throw new CsError(ERROR.paramError, `Volume ${volume.name} is already attached to another virtual machine`);
	}
	requireSteadyVm(vm, "attached");
	if (volume.vmId === null && (await hasVmSnapshots(db, vm.id))) {
		throw new CsError(
			ERROR.paramError,
			`Unable to attach volume, please specify a VM that does not have VM snapshots (${vm.name} has)`,
		);
	}
	// A Stopped instance never started has no root disk on storage yet: the data disk stays
	// Allocated and starting the instance places it with the root disk (vms/volume-setup.ts).
	const unplaced = vm.state === "Stopped" && volume.state === "Allocated" && !(await rootOnStorage(ctx, vm));
	if (!unplaced && (volume.state === "Allocated" || volume.state === "Creating")) {
		volume = await createOnPool(ctx, volume, vm);
	}
	if (volume.state !== "Ready" && !unplaced) {
		throw new CsError(ERROR.paramError, `Volume ${volume.name} is ${volume.state}: only Ready volumes can be attached`);
	}
	if (volume.vmId !== vm.id) volume = await claimDevice(ctx, volume, vm, payload.deviceId);
	if (vm.state === "Running" && vm.hostId && volume.poolId) {
		const pool = await loadPool(db, volume.poolId);
		await agentCall(
			ctx,
			"vm.attachDisk",
			{ hostId: vm.hostId, name: vm.instanceName, disk: diskSpecFor(volume, pool, diskTargetOf(volume.deviceId ?? 1)) },
			`Attaching volume ${volume.name} to ${vm.name}`,
		);
	}
	await db.batch([
		db
			.update(volumes)
			.set({ attached: ctx.deps.clock.now() })
			.where(and(eq(volumes.id, volume.id), eq(volumes.vmId, vm.id))),
		jobEvent(ctx, volume, {
			type: "VOLUME.ATTACH",
			description: `Attached volume ${volume.name} to virtual machine ${vm.name}`,
			resourceType: "Volume",
			resourceId: volume.id,
			resourceName: volume.name,
		}),
	]);
	return volumeResult(db, volume.id);
}

/** Undoes a half-done attach: the device claim, and a volume whose file could not be made. */
export async function rollbackAttach(ctx: JobContext, payload: AttachPayload): Promise<void> {
	const { db } = ctx.deps;
	await db
		.update(volumes)
		.set({ vmId: null, deviceId: null })
		.where(and(eq(volumes.id, payload.volumeId), eq(volumes.vmId, payload.vmId), isNull(volumes.attached)));
	const half = await db.select().from(volumes).where(eq(volumes.id, payload.volumeId)).get();
	if (half?.state !== "Creating" || !half.poolId) return;
	const reverted = await db
		.update(volumes)
		.set({ state: "Allocated", poolId: null, path: null })
		.where(and(eq(volumes.id, half.id), eq(volumes.state, "Creating")))
		.returning({ id: volumes.id });
	// volume.create wrote to the path itself; a file of a failed create is left for store cleanup.
	if (reverted.length > 0) await releasePool(db, half.poolId, half.sizeBytes);
}

export interface DetachPayload {
	volumeId: string;
	vmId: string;
}

export async function runDetach(ctx: JobContext, payload: DetachPayload): Promise<JobAnswer> {
	const { db } = ctx.deps;
	const volume = await loadVolume(db, payload.volumeId);
	// Already detached: a re-run after the first run finished.
	if (volume.vmId !== payload.vmId) return volumeResult(db, volume.id);
	const vm = await requireVm(db, payload.vmId);
	requireSteadyVm(vm, "detached");
	if (vm.state === "Running" && vm.hostId) {
		await agentCall(
			ctx,
			"vm.detachDisk",
			{ hostId: vm.hostId, name: vm.instanceName, target: diskTargetOf(volume.deviceId ?? 1) },
			`Detaching volume ${volume.name} from ${vm.name}`,
		);
	}
	await db.batch([
		db
			.update(volumes)
			.set({ vmId: null, deviceId: null, attached: null })
			.where(and(eq(volumes.id, volume.id), eq(volumes.vmId, vm.id))),
		jobEvent(ctx, volume, {
			type: "VOLUME.DETACH",
			description: `Detached volume ${volume.name} from virtual machine ${vm.name}`,
			resourceType: "Volume",
			resourceId: volume.id,
			resourceName: volume.name,
		}),
	]);
	return volumeResult(db, volume.id);
}
