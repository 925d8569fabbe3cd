/**
 * @module What the metrics responses (listZonesMetrics, listClustersMetrics, listHostsMetrics)
 * share: CloudStack's allocation thresholds and the eight threshold flags.
 */
import type { FieldTable } from "../../commands/types";

/**
 * CloudStack's defaults for cluster.{cpu,memory}.allocated.capacity.notificationthreshold (0.75)
 * and ….disablethreshold (0.85); flarestack has no per-cluster overrides yet.
 */
export const ALLOCATED_NOTIFY = 0.75;
export const ALLOCATED_DISABLE = 0.85;

export const GIB = 1024 * 1024 * 1024;

export const THRESHOLD_FIELDS = {
	cputhreshold: ["boolean", "cpu usage notification threshold exceeded"],
	cpudisablethreshold: ["boolean", "cpu usage disable threshold exceeded"],
	cpuallocatedthreshold: ["boolean", "cpu allocated notification threshold exceeded"],
	cpuallocateddisablethreshold: ["boolean", "cpu allocated disable threshold exceeded"],
	memorythreshold: ["boolean", "memory usage notification threshold exceeded"],
	memorydisablethreshold: ["boolean", "memory usage disable threshold exceeded"],
	memoryallocatedthreshold: ["boolean", "memory allocated notification threshold exceeded"],
	memoryallocateddisablethreshold: ["boolean", "memory allocated disable threshold exceeded"],
} as const satisfies FieldTable;

/** The four allocation flags from the allocated share of capacity; undefined where a share is unknown. */
export function allocationThresholds(cpuShare: number | undefined, memoryShare: number | undefined) {
	return {
		cpuallocatedthreshold: cpuShare === undefined ? undefined : cpuShare > ALLOCATED_NOTIFY,
		cpuallocateddisablethreshold: cpuShare === undefined ? undefined : cpuShare > ALLOCATED_DISABLE,
		memoryallocatedthreshold: memoryShare === undefined ? undefined : memoryShare > ALLOCATED_NOTIFY,
		memoryallocateddisablethreshold: memoryShare === undefined ? undefined : memoryShare > ALLOCATED_DISABLE,
	};
}
