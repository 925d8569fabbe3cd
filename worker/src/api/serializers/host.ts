/** @module host → CloudStack `host` response (HostResponse of a KVM Routing host) and its metrics variant. */
import type { FieldTable } from "../../commands/types";
import type { hosts } from "../../db/schema";
import { CLOUDSTACK_VERSION } from "../envelope";
import { compact, csDate } from "./format";
import { allocationThresholds, GIB, THRESHOLD_FIELDS } from "./metrics";

export const HOST_FIELDS = {
	id: ["string", "the ID of the host"],
	name: ["string", "the name of the host"],
	state: ["status", "the state of the host"],
	resourcestate: ["string", "the resource state of the host"],
	type: ["type", "the host type"],
	ipaddress: ["string", "the IP address of the host"],
	zoneid: ["string", "the Zone ID of the host"],
	zonename: ["string", "the Zone name of the host"],
	podid: ["string", "the Pod ID of the host"],
	podname: ["string", "the Pod name of the host"],
	clusterid: ["string", "the cluster ID of the host"],
	clustername: ["string", "the cluster name of the host"],
	clustertype: ["string", "the cluster type of the cluster that host belongs to"],
	hypervisor: ["string", "the host hypervisor"],
	hypervisorversion: ["string", "the hypervisor version"],
	version: ["string", "the host version"],
	cpunumber: ["integer", "the CPU number of the host"],
	cpuspeed: ["long", "the CPU speed of the host"],
	cpuallocated: ["string", "the amount of the host's CPU currently allocated"],
	cpuallocatedvalue: ["long", "the amount of the host's CPU currently allocated in MHz"],
	cpuallocatedpercentage: ["string", "the amount of the host's CPU currently allocated in percentage"],
	cpuallocatedwithoverprovisioning: [
		"string",
		"the amount of the host's CPU currently allocated after applying the cpu.overprovisioning.factor",
	],
	cpuwithoverprovisioning: ["string", "the amount of the host's CPU after applying the cpu.overprovisioning.factor"],
	memorytotal: ["long", "the memory total of the host, this parameter is deprecated use memorywithoverprovisioning"],
	memorywithoverprovisioning: [
		"string",
		"the amount of the host's memory after applying the mem.overprovisioning.factor",
	],
	memoryallocated: ["long", "the amount of the host's memory currently allocated"],
	memoryallocatedpercentage: ["string", "the amount of the host's memory currently allocated in percentage"],
	memoryallocatedbytes: ["long", "the amount of the host's memory currently allocated in bytes"],
	capabilities: ["string", "capabilities of the host"],
	lastpinged: ["date", "the date and time the host was last pinged"],
	created: ["date", "the date and time the host was created"],
	disconnected: ["date", "the date and time the host was disconnected from management server"],
	hosttags: ["string", "comma-separated list of tags for the host"],
	explicithosttags: ["string", "comma-separated list of explicit host tags for the host"],
	istagarule: ["boolean", "true if the host has tag as rule"],
	islocalstorageactive: ["boolean", "true if local storage is active, false otherwise"],
	hahost: ["boolean", "true if the host is Ha host (dedicated to vms started by HA process; false otherwise"],
	events: ["string", "events available for the host"],
	arch: ["string", "CPU Arch of the host"],
} as const satisfies FieldTable;

export const HOST_METRICS_FIELDS = {
	...HOST_FIELDS,
	instances: ["string", "instances on the host: running / total"],
	systeminstances: ["string", "system vm instances on the host: running / total"],
	cputotalghz: ["string", "the total cpu capacity in Ghz"],
	cpuallocatedghz: ["string", "the total cpu allocated in Ghz"],
	memorytotalgb: ["string", "the total memory capacity in GiB"],
	memoryallocatedgb: ["string", "the total memory allocated in GiB"],
	...THRESHOLD_FIELDS,
} as const satisfies FieldTable;

export type HostRow = typeof hosts.$inferSelect;

/** What a host response shows of its zone, pod and cluster (read with a join, never per row). */
export interface HostContext {
	zoneName: string | null;
	podName: string | null;
	clusterName: string | null;
	clusterType: string | null;
	arch: string | null;
	cpuOvercommitRatio: string | null;
	memoryOvercommitRatio: string | null;
}

/**
 * The status events each host state may see next (CloudStack's Status state machine, as far as
 * flarestack drives it): clients show them, none acts on them.
 */
const STATUS_EVENTS: Record<string, string> = {
	Creating: "AgentConnected; Remove",
	Connecting: "AgentConnected; Ready; AgentDisconnected; HostDown; PingTimeout; Remove",
	Up: "AgentDisconnected; AgentConnected; Ping; PingTimeout; HostDown; ShutdownRequested; Remove",
	Down: "AgentConnected; Ping; Remove",
	Disconnected: "AgentConnected; Ping; PingTimeout; HostDown; Remove",
	Alert: "AgentConnected; Ping; PingTimeout; HostDown; Remove",
};

/** CloudStack's DecimalFormat("#.##") + "%": at most two decimals, no trailing zeros; 0% when there is no total. */
export function percentText(part: number, whole: number): string {
	if (whole <= 0) return "0%";
	return `${Math.round(((part * 100) / whole) * 100) / 100}%`;
}

function ratio(value: string | null): number {
	const n = Number(value ?? "1");
	return Number.isFinite(n) && n > 0 ? n : 1;
}

export function serializeHost(row: HostRow, ctx: HostContext): Record<string, unknown> {
	const cpuTotal = row.cpuNumber * row.cpuSpeed;
	const cpuWithOvercommit = cpuTotal * ratio(ctx.cpuOvercommitRatio);
	const memoryWithOvercommit = row.memoryTotal * ratio(ctx.memoryOvercommitRatio);
	return compact({
		id: row.id,
		name: row.name,
		state: row.state,
		resourcestate: row.resourceState,
		type: "Routing",
		ipaddress: row.ipAddress,
		zoneid: row.zoneId,
		zonename: ctx.zoneName,
		podid: row.podId,
		podname: ctx.podName,
		clusterid: row.clusterId,
		clustername: ctx.clusterName,
		clustertype: ctx.clusterType,
		hypervisor: "KVM",
		hypervisorversion: row.hypervisorVersion || undefined,
		version: CLOUDSTACK_VERSION,
		cpunumber: row.cpuNumber,
		cpuspeed: row.cpuSpeed,
		cpuallocated: percentText(row.cpuAllocated, cpuTotal),
		cpuallocatedvalue: row.cpuAllocated,
		cpuallocatedpercentage: percentText(row.cpuAllocated, cpuTotal),
		cpuallocatedwithoverprovisioning: percentText(row.cpuAllocated, cpuWithOvercommit),
		cpuwithoverprovisioning: String(Math.round(cpuWithOvercommit)),
		memorytotal: row.memoryTotal,
		memorywithoverprovisioning: String(Math.round(memoryWithOvercommit)),
		memoryallocated: row.memoryAllocated,
		memoryallocatedpercentage: percentText(row.memoryAllocated, memoryWithOvercommit),
		memoryallocatedbytes: row.memoryAllocated,
		capabilities: "hvm",
		lastpinged: row.lastPinged === null ? undefined : csDate(row.lastPinged),
		created: csDate(row.created),
		disconnected: row.disconnected === null ? undefined : csDate(row.disconnected),
		hosttags: row.hostTags || undefined,
		explicithosttags: row.hostTags || undefined,
		istagarule: false,
		islocalstorageactive: false,
		hahost: false,
		events: STATUS_EVENTS[row.state],
		arch: ctx.arch,
	} satisfies Record<keyof typeof HOST_FIELDS, unknown>);
}

/**
 * HostMetricsResponse as MetricsServiceImpl fills it: totals in Ghz/GB with two decimals, and the
 * usage values left out while the host reports no usage (CloudStack sets them only when known).
 * `instances` is "running / placed" (CloudStack's form); there are no system VMs.
 */
export function serializeHostMetrics(
	row: HostRow,
	ctx: HostContext,
	instances = { running: 0, total: 0 },
): Record<string, unknown> {
	const cpuTotal = row.cpuNumber * row.cpuSpeed * ratio(ctx.cpuOvercommitRatio);
	const memoryTotal = row.memoryTotal * ratio(ctx.memoryOvercommitRatio);
	// A host always answers the flags: no capacity counts as nothing allocated (false).
	const cpuShare = cpuTotal === 0 ? 0 : row.cpuAllocated / cpuTotal;
	const memoryShare = memoryTotal === 0 ? 0 : row.memoryAllocated / memoryTotal;
	return compact({
		...serializeHost(row, ctx),
		instances: `${instances.running} / ${instances.total}`,
		systeminstances: "0 / 0",
		cputotalghz: `${((row.cpuNumber * row.cpuSpeed) / 1000).toFixed(2)} Ghz`,
		cpuallocatedghz: `${(row.cpuAllocated / 1000).toFixed(2)} Ghz`,
		memorytotalgb: `${(row.memoryTotal / GIB).toFixed(2)} GB`,
		memoryallocatedgb: `${(row.memoryAllocated / GIB).toFixed(2)} GB`,
		cputhreshold: false,
		cpudisablethreshold: false,
		memorythreshold: false,
		memorydisablethreshold: false,
		...allocationThresholds(cpuShare, memoryShare),
	} satisfies Record<Exclude<keyof typeof HOST_METRICS_FIELDS, keyof typeof HOST_FIELDS>, unknown> &
		Record<string, unknown>);
}
