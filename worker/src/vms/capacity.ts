/**
 * @module Host and pool capacity bookkeeping: what instances and volumes hold, kept in
 * `hosts.cpu_allocated/memory_allocated` and `storage_pools.allocated_bytes` (listCapacity reads
 * them). A reservation is one compare-and-set UPDATE whose WHERE carries the limit, so two
 * concurrent placements can never overfill a host or pool. The limits are computed inside SQLite
 * from the cluster's ratio and the global settings' rows, so callers need only the db.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { hosts, storagePools } from "../db/schema";
import { SETTINGS_BY_NAME } from "../domain/settings";

/** What an instance takes from a host: vCPUs × MHz and MB of memory. */
export interface VmSize {
	cpuNumber: number;
	cpuSpeed: number;
	/** MB. */
	memory: number;
}

export function cpuMhzOf(vm: VmSize): number {
	return vm.cpuNumber * vm.cpuSpeed;
}

export function memoryBytesOf(vm: VmSize): number {
	return vm.memory * 1024 * 1024;
}

/** A global setting's value as SQL (its configuration row, else its default). */
function settingSql(name: string): SQL {
	const fallback = Number(SETTINGS_BY_NAME.get(name)?.defaultValue ?? "1");
	return sql`coalesce((select cast(value as real) from configuration where name = ${name}), ${fallback})`;
}

/**
 * The one overcommit rule: a cluster's own ratio when it was set (anything but 1), else the global
 * `cpu.`/`mem.overprovisioning.factor` ("a cluster's own ratio wins"). `effectiveRatio` for values
 * at hand, `clusterRatioSql` inside a query (the planner, listCapacity, listHosts, zone metrics).
 */
export function effectiveRatio(clusterRatio: string | null | undefined, globalFactor: number): number {
	const own = Number(clusterRatio ?? "1");
	if (Number.isFinite(own) && own > 0 && own !== 1) return own;
	return Number.isFinite(globalFactor) && globalFactor > 0 ? globalFactor : 1;
}

export function clusterRatioSql(kind: "cpu" | "memory", clusterId: SQLiteColumn = hosts.clusterId): SQL {
	const column = kind === "cpu" ? "cpu_overcommit_ratio" : "memory_overcommit_ratio";
	const setting = kind === "cpu" ? "cpu.overprovisioning.factor" : "mem.overprovisioning.factor";
	return sql`coalesce((select case when cast(c.${sql.raw(column)} as real) <> 1 then cast(c.${sql.raw(column)} as real) else ${settingSql(setting)} end from clusters c where c.id = ${clusterId}), 1)`;
}

/** The CPU (MHz) and memory (bytes) a host offers instances, as SQL expressions over `hosts`. */
export function hostLimitsSql(): { cpu: SQL; memory: SQL } {
	return {
		cpu: sql`(${hosts.cpuNumber} * ${hosts.cpuSpeed} * ${clusterRatioSql("cpu")})`,
		memory: sql`(${hosts.memoryTotal} * ${clusterRatioSql("memory")})`,
	};
}

/**
 * A pool's over-provisioning factor as SQL: storage.overprovisioning.factor for NFS pools, 1 for the
 * others (CloudStack over-provisions NFS pools only). listStoragePools shows it as `overprovisionfactor`.
 */
export function poolFactorSql(): SQL {
	return sql`(case when ${storagePools.type} = 'NetworkFilesystem' then ${settingSql("storage.overprovisioning.factor")} else 1 end)`;
}

/** The bytes a pool takes volumes up to (capacity × its factor), as SQL. */
export function poolLimitSql(): SQL {
	return sql`(${storagePools.capacityBytes} * ${poolFactorSql()})`;
}

/**
 * True in SQL when `vm`'s CPU and memory still fit on the host under its overcommitted limits: the
 * one room rule of the planner, the reservation, live migration and findHostsForMigration.
 */
export function hostFitsSql(vm: VmSize): SQL<number> {
	const limits = hostLimitsSql();
	return sql<number>`(${hosts.cpuAllocated} + ${cpuMhzOf(vm)} <= ${limits.cpu} and ${hosts.memoryAllocated} + ${memoryBytesOf(vm)} <= ${limits.memory})`;
}

/**
 * Adds the instance's CPU and memory to the host if it still fits and the host takes new instances
 * (Up and Enabled: a host in maintenance gets nothing). True when reserved.
 */
export async function reserveHost(db: Db, host: { id: string }, vm: VmSize): Promise<boolean> {
	const cpu = cpuMhzOf(vm);
	const memory = memoryBytesOf(vm);
	const rows = await db
		.update(hosts)
		.set({
			cpuAllocated: sql`${hosts.cpuAllocated} + ${cpu}`,
			memoryAllocated: sql`${hosts.memoryAllocated} + ${memory}`,
		})
		.where(and(eq(hosts.id, host.id), eq(hosts.state, "Up"), eq(hosts.resourceState, "Enabled"), hostFitsSql(vm)))
		.returning({ id: hosts.id });
	return rows.length > 0;
}

/** Gives the instance's CPU and memory back to the host (never below 0). */
export async function releaseHost(db: Db, hostId: string, vm: VmSize): Promise<void> {
	await db
		.update(hosts)
		.set({
			cpuAllocated: sql`max(0, ${hosts.cpuAllocated} - ${cpuMhzOf(vm)})`,
			memoryAllocated: sql`max(0, ${hosts.memoryAllocated} - ${memoryBytesOf(vm)})`,
		})
		.where(eq(hosts.id, hostId));
}

/** Adds a volume's bytes to the pool if they fit under its limit and the pool is Up. True when reserved. */
export async function reservePool(db: Db, poolId: string, bytes: number): Promise<boolean> {
	const rows = await db
		.update(storagePools)
		.set({ allocatedBytes: sql`${storagePools.allocatedBytes} + ${bytes}` })
		.where(
			and(
				eq(storagePools.id, poolId),
				eq(storagePools.state, "Up"),
				sql`${storagePools.allocatedBytes} + ${bytes} <= ${poolLimitSql()}`,
			),
		)
		.returning({ id: storagePools.id });
	return rows.length > 0;
}

/** Gives a volume's bytes back to the pool (never below 0). */
export async function releasePool(db: Db, poolId: string, bytes: number): Promise<void> {
	await db
		.update(storagePools)
		.set({ allocatedBytes: sql`max(0, ${storagePools.allocatedBytes} - ${bytes})` })
		.where(eq(storagePools.id, poolId));
}
