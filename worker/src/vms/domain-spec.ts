/**
 * @module The DomainSpec an agent runs an instance from, built from D1: its volumes as disks on
 * their pools (a root disk names its template copy as the one backing layer), an attached ISO as a
 * read-only cdrom from secondary storage, its NICs by MAC. The Worker never builds XML.
 */
import type { DiskSpec, DomainSpec, DomainType } from "@flarestack/protocol";
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Db } from "../db/client";
import { inIds } from "../db/in-ids";
import { imageStores, nics, storagePools, templateStores } from "../db/schema";
import { poolPath, storeLocationOfImageStore, storeLocationOfPool } from "../templates/locations";
import { configDriveFiles } from "./config-drive";
import { configDrivePath, type PoolRow, requireVm, type VolumeRow, volumesOf } from "./vm-rows";

/** `vda`, `vdb`, …: the virtio target of the n-th disk (0 = root). */
export function virtioTarget(index: number): string {
	return `vd${String.fromCharCode(97 + index)}`;
}

/** The cdrom targets an ISO and the config drive get (CloudStack's KVM agent uses hdc and hdd). */
const ISO_TARGET = "hdc";
const CONFIG_DRIVE_TARGET = "hdd";

/** A volume on its pool as a virtio disk; a volume cloned from a template has that copy as its backing layer. */
export function diskSpecFor(
	volume: Pick<VolumeRow, "id" | "path" | "templateId">,
	pool: Pick<PoolRow, "type" | "host" | "path">,
	target: string,
): DiskSpec {
	if (!volume.path) throw new CsError(ERROR.internal, `Volume ${volume.id} is not on storage yet`);
	return {
		volumeId: volume.id,
		device: "disk",
		bus: "virtio",
		target,
		store: storeLocationOfPool(pool),
		path: volume.path,
		format: "QCOW2",
		chain: volume.templateId ? [{ path: poolPath(volume.templateId), format: "QCOW2" }] : [],
		readonly: false,
	};
}

/** The ISO's Ready copy on the zone's secondary storage as a read-only cdrom. */
async function isoDisk(db: Db, isoId: string, zoneId: string): Promise<DiskSpec> {
	const row = await db
		.select({ state: templateStores.state, path: templateStores.path, store: imageStores })
		.from(templateStores)
		.innerJoin(imageStores, eq(imageStores.id, templateStores.imageStoreId))
		.where(and(eq(templateStores.templateId, isoId), eq(templateStores.zoneId, zoneId)))
		.get();
	if (row?.state !== "Ready" || !row.path) {
		throw new CsError(ERROR.paramError, `ISO ${isoId} is not ready in the instance's zone`);
	}
	return {
		volumeId: isoId,
		device: "cdrom",
		bus: "ide",
		target: ISO_TARGET,
		store: storeLocationOfImageStore(row.store),
		path: row.path,
		format: "RAW",
		chain: [],
		readonly: true,
	};
}

/** CloudStack gives a guest vCPUs × MHz CPU shares (libvirt's bounds: 2 … 262144). */
function cpuShares(cpuNumber: number, cpuSpeed: number): number {
	return Math.min(262_144, Math.max(2, cpuNumber * cpuSpeed));
}

/** Everything the host needs to run the instance; every volume must be on storage (path and pool set). */
export async function domainSpecFor(db: Db, vmId: string, host: { domainType: string }): Promise<DomainSpec> {
	const vm = await requireVm(db, vmId);
	const vols = await volumesOf(db, vmId);
	const poolIds = [...new Set(vols.map((v) => v.poolId).filter((id): id is string => id !== null))];
	const [pools, nicRows] = await Promise.all([
		poolIds.length ? db.select().from(storagePools).where(inIds(storagePools.id, poolIds)) : Promise.resolve([]),
		db.select().from(nics).where(eq(nics.vmId, vmId)),
	]);
	const poolById = new Map(pools.map((p) => [p.id, p]));
	const disks: DiskSpec[] = vols.map((volume, index) => {
		const pool = volume.poolId ? poolById.get(volume.poolId) : undefined;
		if (!pool || !volume.path) {
			throw new CsError(ERROR.internal, `Volume ${volume.name} of ${vm.instanceName} is not on storage yet`);
		}
		// By device id, not position: a disk detached from the middle must not rename the ones after it.
		return diskSpecFor(volume, pool, virtioTarget(volume.deviceId ?? index));
	});
	if (vm.isoId) disks.push(await isoDisk(db, vm.isoId, vm.zoneId));
	// The config drive lives next to the root disk, on its pool (cloud-init finds it by its label).
	const rootPool = vols[0]?.poolId ? poolById.get(vols[0].poolId) : undefined;
	if (!rootPool) throw new CsError(ERROR.internal, `${vm.instanceName} has no root disk on storage`);
	const configDrive = {
		store: storeLocationOfPool(rootPool),
		path: configDrivePath(vm.id),
		files: await configDriveFiles(db, vm),
	};
	disks.push({
		volumeId: vm.id,
		device: "cdrom",
		bus: "ide",
		target: CONFIG_DRIVE_TARGET,
		store: configDrive.store,
		path: configDrive.path,
		format: "RAW",
		chain: [],
		readonly: true,
	});
	nicRows.sort((a, b) => a.deviceId - b.deviceId);
	return {
		uuid: vm.id,
		name: vm.instanceName,
		type: (host.domainType === "kvm" ? "kvm" : "qemu") satisfies DomainType,
		vcpus: vm.cpuNumber,
		cpuShares: cpuShares(vm.cpuNumber, vm.cpuSpeed),
		memoryMiB: vm.memory,
		bootCdrom: vm.templateId === null && vm.isoId !== null,
		disks,
		nics: nicRows.map((nic) => ({ mac: nic.macAddress, model: "virtio" as const })),
		configDrive,
	};
}
