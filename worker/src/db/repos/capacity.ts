/**
 * @module Capacity figures computed on the fly from the inventory tables (CloudStack keeps them in
 * op_host_capacity and refreshes them periodically; we aggregate live, so they never go stale).
 * Every query is one indexed aggregate per source table, grouped by zone: a zone with thousands of
 * clusters and pools costs the same four queries.
 */
import { and, count, eq, isNull, or, type SQL, sql, sum } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { hostLimitsSql, poolLimitSql } from "../../vms/capacity";
import type { Db } from "../client";
import { clusters, guestIps, hosts, imageStores, storagePools, vmInstances } from "../schema";

/** CloudStack's Capacity type codes and CapacityVO.getCapacityName names. */
export const CAPACITY = {
	memory: 0,
	cpu: 1,
	storage: 2,
	storageAllocated: 3,
	secondaryStorage: 6,
	directAttachedPublicIp: 8,
	cpuCore: 90,
} as const;

export const CAPACITY_NAMES: Record<number, string> = {
	0: "MEMORY",
	1: "CPU",
	2: "STORAGE",
	3: "STORAGE_ALLOCATED",
	4: "VIRTUAL_NETWORK_PUBLIC_IP",
	5: "PRIVATE_IP",
	6: "SECONDARY_STORAGE",
	7: "VLAN",
	8: "DIRECT_ATTACHED_PUBLIC_IP",
	9: "LOCAL_STORAGE",
	19: "GPU",
	90: "CPU_CORE",
};

/** The scope of one listCapacity call: all zones, one zone, one pod or one cluster. */
export interface CapacityScope {
	zoneId?: string | undefined;
	podId?: string | undefined;
	clusterId?: string | undefined;
	/** Only this capacity type (undefined = every type). */
	type?: number | undefined;
}

export interface CapacityFigure {
	type: number;
	zoneId: string;
	used: number;
	total: number;
	allocated?: number;
}

const num = (value: unknown): number => Number(value ?? 0);

function wants(scope: CapacityScope, ...types: number[]): boolean {
	return scope.type === undefined || types.includes(scope.type);
}

/** The narrowing every per-resource table shares: zone, pod and cluster columns. */
function narrow(
	scope: CapacityScope,
	cols: { zoneId: SQLiteColumn; podId: SQLiteColumn; clusterId?: SQLiteColumn },
): SQL | undefined {
	return and(
		scope.zoneId ? eq(cols.zoneId, scope.zoneId) : undefined,
		scope.podId ? eq(cols.podId, scope.podId) : undefined,
		scope.clusterId && cols.clusterId ? eq(cols.clusterId, scope.clusterId) : undefined,
	);
}

/**
 * Memory (bytes) and CPU (MHz) of the hosts, their totals scaled by the overcommit factor the
 * planner reserves against (vms/capacity.ts: the cluster's own ratio, else the global
 * cpu./mem.overprovisioning.factor), so percentused never passes 100 while placements still fit.
 * CPU cores are unscaled; the cores in use are those of the instances placed on the hosts.
 */
async function hostFigures(db: Db, scope: CapacityScope): Promise<CapacityFigure[]> {
	if (!wants(scope, CAPACITY.memory, CAPACITY.cpu, CAPACITY.cpuCore)) return [];
	const limits = hostLimitsSql();
	const [rows, coreRows] = await Promise.all([
		db
			.select({
				zoneId: hosts.zoneId,
				memoryTotal: sql<number>`sum(${limits.memory})`,
				memoryAllocated: sum(hosts.memoryAllocated),
				cpuTotal: sql<number>`sum(${limits.cpu})`,
				cpuAllocated: sum(hosts.cpuAllocated),
				cores: sum(hosts.cpuNumber),
			})
			.from(hosts)
			.innerJoin(clusters, eq(clusters.id, hosts.clusterId))
			.where(narrow(scope, hosts))
			.groupBy(hosts.zoneId),
		wants(scope, CAPACITY.cpuCore) ? coresInUse(db, scope) : Promise.resolve(new Map<string, number>()),
	]);
	return rows.flatMap((row) => {
		const memoryAllocated = num(row.memoryAllocated);
		const cpuAllocated = num(row.cpuAllocated);
		const cores = coreRows.get(row.zoneId) ?? 0;
		return [
			{
				type: CAPACITY.memory,
				zoneId: row.zoneId,
				used: memoryAllocated,
				total: Math.floor(num(row.memoryTotal)),
				allocated: memoryAllocated,
			},
			{
				type: CAPACITY.cpu,
				zoneId: row.zoneId,
				used: cpuAllocated,
				total: Math.floor(num(row.cpuTotal)),
				allocated: cpuAllocated,
			},
			{ type: CAPACITY.cpuCore, zoneId: row.zoneId, used: cores, total: num(row.cores), allocated: cores },
		].filter((figure) => wants(scope, figure.type));
	});
}

/**
 * vCPUs of the instances that hold a host (a placed instance keeps `host_id` from Starting until
 * it is stopped, exactly while its CPU is in `hosts.cpu_allocated`), per zone.
 */
async function coresInUse(db: Db, scope: CapacityScope): Promise<Map<string, number>> {
	const rows = await db
		.select({ zoneId: hosts.zoneId, cores: sum(vmInstances.cpuNumber) })
		.from(vmInstances)
		.innerJoin(hosts, eq(hosts.id, vmInstances.hostId))
		.where(and(isNull(vmInstances.removed), narrow(scope, hosts)))
		.groupBy(hosts.zoneId);
	return new Map(rows.map((row) => [row.zoneId, num(row.cores)]));
}

/** Primary storage: bytes used on the pools (2) and bytes allocated to volumes (3). */
async function poolFigures(db: Db, scope: CapacityScope): Promise<CapacityFigure[]> {
	if (!wants(scope, CAPACITY.storage, CAPACITY.storageAllocated)) return [];
	const rows = await db
		.select({
			zoneId: storagePools.zoneId,
			pools: count(),
			capacity: sum(storagePools.capacityBytes),
			// What volumes may take: CloudStack's STORAGE_ALLOCATED total carries the over-provisioning.
			limit: sql<number>`sum(${poolLimitSql()})`,
			used: sum(storagePools.usedBytes),
			allocated: sum(storagePools.allocatedBytes),
		})
		.from(storagePools)
		.where(narrow(scope, storagePools))
		.groupBy(storagePools.zoneId);
	return rows.flatMap((row) => {
		const total = num(row.capacity);
		const allocated = num(row.allocated);
		return [
			{ type: CAPACITY.storage, zoneId: row.zoneId, used: num(row.used), total, allocated },
			{ type: CAPACITY.storageAllocated, zoneId: row.zoneId, used: allocated, total: num(row.limit), allocated },
		].filter((figure) => wants(scope, figure.type));
	});
}

/**
 * Secondary storage per zone: the zone's image stores plus region-wide ones (CloudStack counts a
 * region store in every zone). Zone level only.
 */
async function imageStoreFigures(db: Db, scope: CapacityScope, zoneIds: readonly string[]): Promise<CapacityFigure[]> {
	if (!wants(scope, CAPACITY.secondaryStorage) || scope.podId || scope.clusterId) return [];
	const rows = await db
		.select({ zoneId: imageStores.zoneId, capacity: sum(imageStores.capacityBytes), used: sum(imageStores.usedBytes) })
		.from(imageStores)
		.where(scope.zoneId ? or(eq(imageStores.zoneId, scope.zoneId), isNull(imageStores.zoneId)) : undefined)
		.groupBy(imageStores.zoneId);
	const region = rows.find((row) => row.zoneId === null);
	return zoneIds.map((zoneId) => {
		const own = rows.find((row) => row.zoneId === zoneId);
		return {
			type: CAPACITY.secondaryStorage,
			zoneId,
			used: num(own?.used) + num(region?.used),
			total: num(own?.capacity) + num(region?.capacity),
		};
	});
}

/**
 * Guest addresses of shared networks (CloudStack's DIRECT_ATTACHED_PUBLIC_IP): all rows vs rows
 * held by something. Counted per zone or per pod; addresses belong to no cluster.
 */
async function guestIpFigures(db: Db, scope: CapacityScope): Promise<CapacityFigure[]> {
	if (!wants(scope, CAPACITY.directAttachedPublicIp) || scope.clusterId) return [];
	const rows = await db
		.select({ zoneId: guestIps.zoneId, total: count(), allocated: count(guestIps.allocatedTo) })
		.from(guestIps)
		.where(narrow(scope, guestIps))
		.groupBy(guestIps.zoneId);
	return rows.map((row) => ({
		type: CAPACITY.directAttachedPublicIp,
		zoneId: row.zoneId,
		used: num(row.allocated),
		total: num(row.total),
	}));
}

/**
 * The capacity figures of `zoneIds` within `scope`, per zone and type. STORAGE is always reported
 * (0 of 0 without pools) and SECONDARY_STORAGE always at zone level, as CloudStack adds both.
 */
export async function capacityFigures(
	db: Db,
	scope: CapacityScope,
	zoneIds: readonly string[],
): Promise<CapacityFigure[]> {
	const [hostRows, poolRows, storeRows, ipRows] = await Promise.all([
		hostFigures(db, scope),
		poolFigures(db, scope),
		imageStoreFigures(db, scope, zoneIds),
		guestIpFigures(db, scope),
	]);
	const figures = [...hostRows, ...poolRows, ...storeRows, ...ipRows];
	if (wants(scope, CAPACITY.storage)) {
		for (const zoneId of zoneIds) {
			if (!poolRows.some((f) => f.zoneId === zoneId && f.type === CAPACITY.storage)) {
				figures.push({ type: CAPACITY.storage, zoneId, used: 0, total: 0, allocated: 0 });
			}
		}
	}
	const known = new Set(zoneIds);
	return figures.filter((figure) => known.has(figure.zoneId));
}

/** CloudStack's percentused: DecimalFormat("##.##") of used/total×100, "0" when the total is 0. */
export function percentUsed(used: number, total: number): string {
	if (total === 0) return "0";
	return String(Math.round((used / total) * 100 * 100) / 100);
}
