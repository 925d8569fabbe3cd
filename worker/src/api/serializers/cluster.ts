/** @module cluster → CloudStack `cluster` response (ClusterResponse) and its metrics variant. */
import type { FieldTable } from "../../commands/types";
import type { clusters } from "../../db/schema";
import { compact } from "./format";
import { allocationThresholds, GIB, THRESHOLD_FIELDS } from "./metrics";

export const CLUSTER_FIELDS = {
	id: ["string", "the cluster ID"],
	name: ["string", "the cluster name"],
	podid: ["string", "the Pod ID of the cluster"],
	podname: ["string", "the Pod name of the cluster"],
	zoneid: ["string", "the Zone ID of the cluster"],
	zonename: ["string", "the Zone name of the cluster"],
	hypervisortype: ["string", "the hypervisor type of the cluster"],
	clustertype: ["string", "the type of the cluster"],
	allocationstate: ["string", "the allocation state of the cluster"],
	managedstate: ["string", "whether this cluster is managed by cloudstack"],
	cpuovercommitratio: ["string", "the cpu overcommit ratio of the cluster"],
	memoryovercommitratio: ["string", "the memory overcommit ratio of the cluster"],
	arch: ["string", "CPU Arch of the hosts in the cluster"],
} as const satisfies FieldTable;

export const CLUSTER_METRICS_FIELDS = {
	...CLUSTER_FIELDS,
	state: ["string", "state of the cluster"],
	hosts: ["string", "running / total hosts in the cluster"],
	cputotal: ["string", "the total cpu capacity in Ghz"],
	cpuused: ["string", "the total cpu used in percent (omitted until hosts report usage)"],
	cpuallocated: ["string", "the total cpu allocated in percent"],
	memorytotal: ["string", "the total memory capacity in GB"],
	memoryused: ["string", "the total memory used in percent (omitted until hosts report usage)"],
	memoryallocated: ["string", "the total memory allocated in percent"],
	...THRESHOLD_FIELDS,
} as const satisfies FieldTable;

export type ClusterRow = typeof clusters.$inferSelect;

/** The names a cluster response shows next to its ids (read with a join, never per row). */
export interface ClusterContext {
	podName: string | null;
	zoneName: string | null;
}

export function serializeCluster(row: ClusterRow, ctx: ClusterContext): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		podid: row.podId,
		podname: ctx.podName,
		zoneid: row.zoneId,
		zonename: ctx.zoneName,
		hypervisortype: row.hypervisor,
		clustertype: row.clusterType,
		allocationstate: row.allocationState,
		managedstate: row.managedState,
		cpuovercommitratio: row.cpuOvercommitRatio,
		memoryovercommitratio: row.memoryOvercommitRatio,
		arch: row.arch,
	} satisfies Record<keyof typeof CLUSTER_FIELDS, unknown>);
}

/** Sums over a cluster's hosts (CPU in MHz, memory in bytes). */
export interface HostSums {
	total: number;
	up: number;
	cpuTotal: number;
	cpuAllocated: number;
	memoryTotal: number;
	memoryAllocated: number;
}

const pct = (part: number, whole: number) => `${((part * 100) / whole).toFixed(2)}%`;

/**
 * ClusterMetricsResponse as MetricsServiceImpl computes it: totals carry the overcommit ratio,
 * percentages are omitted when the total is 0, and "used" values are omitted while no host
 * reports usage (CloudStack sets them only when usage > 0).
 */
export function serializeClusterMetrics(row: ClusterRow, ctx: ClusterContext, sums: HostSums): Record<string, unknown> {
	const cpuTotal = sums.cpuTotal * Number(row.cpuOvercommitRatio);
	const memoryTotal = sums.memoryTotal * Number(row.memoryOvercommitRatio);
	const cpuShare = cpuTotal === 0 ? undefined : sums.cpuAllocated / cpuTotal;
	const memoryShare = memoryTotal === 0 ? undefined : sums.memoryAllocated / memoryTotal;
	// Usage is 0 until hosts report it; CloudStack still answers the usage thresholds (false).
	const usageThreshold = sums.total === 0 ? undefined : false;
	const memoryUsageThreshold = memoryTotal === 0 ? undefined : false;
	return compact({
		...serializeCluster(row, ctx),
		state: row.managedState === "Unmanaged" ? "Unmanaged" : row.allocationState,
		hosts: `${sums.up} / ${sums.total}`,
		cputotal: `${(cpuTotal / 1000).toFixed(2)} Ghz`,
		cpuallocated: cpuTotal === 0 ? undefined : pct(sums.cpuAllocated, cpuTotal),
		memorytotal: `${(memoryTotal / GIB).toFixed(2)} GB`,
		memoryallocated: memoryTotal === 0 ? undefined : pct(sums.memoryAllocated, memoryTotal),
		cputhreshold: usageThreshold,
		cpudisablethreshold: usageThreshold,
		memorythreshold: memoryUsageThreshold,
		memorydisablethreshold: memoryUsageThreshold,
		...allocationThresholds(cpuShare, memoryShare),
	});
}
