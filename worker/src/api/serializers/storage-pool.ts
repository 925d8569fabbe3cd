/** @module storage pool (with its zone/pod/cluster names) → CloudStack `storagepool` response. */
import type { FieldTable } from "../../commands/types";
import type { storagePools } from "../../db/schema";
import { compact, csDate } from "./format";

export const STORAGE_POOL_FIELDS = {
	id: ["string", "the ID of the storage pool"],
	name: ["string", "the name of the storage pool"],
	zoneid: ["string", "the Zone ID of the storage pool"],
	zonename: ["string", "the Zone name of the storage pool"],
	podid: ["string", "the Pod ID of the storage pool"],
	podname: ["string", "the Pod name of the storage pool"],
	clusterid: ["string", "the ID of the cluster for the storage pool"],
	clustername: ["string", "the name of the cluster for the storage pool"],
	ipaddress: ["string", "the IP address of the storage pool"],
	path: ["string", "the storage pool path"],
	created: ["date", "the date and time the storage pool was created"],
	type: ["string", "the storage pool type"],
	scope: ["string", "the scope of the storage pool"],
	state: ["string", "the state of the storage pool"],
	capacitybytes: ["long", "bytes CloudStack can provision from this storage pool"],
	disksizetotal: ["long", "the total disk size of the storage pool"],
	disksizeallocated: ["long", "the host's currently allocated disk size"],
	disksizeused: ["long", "the host's currently used disk size"],
	capacityiops: ["long", "IOPS CloudStack can provision from this storage pool"],
	tags: ["string", "the tags for the storage pool"],
	istagarule: ["boolean", "whether the storage pool tags are a JS rule (always false here)"],
	overprovisionfactor: ["string", "the overprovisionfactor for the storage pool"],
	hypervisor: ["string", "the hypervisor type of the storage pool"],
	provider: ["string", "Storage provider for this pool"],
	managed: ["boolean", "whether this pool is managed or not"],
	hasannotations: ["boolean", "whether the storage pool has annotations"],
} as const satisfies FieldTable;

export type StoragePoolRow = typeof storagePools.$inferSelect;

/** The names a pool's response shows next to its ids (read by a join in the same query). */
export interface PoolNames {
	zoneName: string | null;
	podName: string | null;
	clusterName: string | null;
	/** The factor volumes on the pool are over-provisioned by (vms/capacity.ts `poolFactorSql`). */
	overprovisionFactor: number;
}

export function serializeStoragePool(row: StoragePoolRow, names: PoolNames): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		zoneid: row.zoneId,
		zonename: names.zoneName,
		podid: row.podId,
		podname: names.podName,
		clusterid: row.clusterId,
		clustername: names.clusterName,
		ipaddress: row.host,
		path: row.path,
		created: csDate(row.created),
		type: row.type,
		scope: row.scope,
		state: row.state,
		capacitybytes: row.capacityBytes,
		disksizetotal: row.capacityBytes,
		disksizeallocated: row.allocatedBytes,
		disksizeused: row.usedBytes,
		capacityiops: row.capacityIops,
		tags: row.tags,
		istagarule: false,
		// CloudStack's text: "2.0", "1.5".
		overprovisionfactor: Number.isInteger(names.overprovisionFactor)
			? names.overprovisionFactor.toFixed(1)
			: String(names.overprovisionFactor),
		hypervisor: row.hypervisor,
		provider: row.provider,
		managed: false,
		hasannotations: false,
	});
}
