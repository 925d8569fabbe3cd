/**
 * @module The metrics plugin's zone summary (MetricsServiceImpl.listZoneMetrics): cluster health
 * and CPU/memory totals and allocation summed over the zone's hosts (totals scaled by each
 * cluster's overcommit ratio, as CloudStack's capacity figures are), formatted as CloudStack
 * formats them ("4.00 Ghz", "12.50%", "1 / 2"). Usage figures (cpuused, memoryused and their
 * deviations) need host statistics, which arrive with the relay agent; until then they are
 * omitted, as CloudStack omits them while a zone reports no usage.
 */
import { count, eq, type SQL, sql } from "drizzle-orm";
import { ALLOCATED_DISABLE, ALLOCATED_NOTIFY, GIB, THRESHOLD_FIELDS } from "../../api/serializers/metrics";
import { ZONE_FIELDS } from "../../api/serializers/zone";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import type { ZoneRow } from "../../db/repos/inventory";
import { clusters, hosts } from "../../db/schema";
import { clusterRatioSql } from "../../vms/capacity";

export const ZONE_METRICS_FIELDS = {
	state: ["string", "State of the cluster"],
	clusters: ["string", "Healthy / total clusters in the zone"],
	cputotal: ["string", "The total cpu capacity in Ghz"],
	cpuused: ["string", "The total cpu used in Ghz"],
	cpuallocated: ["string", "The total cpu allocated in Ghz"],
	cpumaxdeviation: ["string", "The maximum cpu deviation"],
	memorytotal: ["string", "The total cpu capacity in GiB"],
	memoryused: ["string", "The total cpu used in GiB"],
	memoryallocated: ["string", "The total cpu allocated in GiB"],
	memorymaxdeviation: ["string", "The maximum memory deviation"],
	...THRESHOLD_FIELDS,
	...ZONE_FIELDS,
} as const satisfies FieldTable;

interface Totals {
	clusters: number;
	upClusters: number;
	hosts: number;
	cpuTotal: number;
	cpuAllocated: number;
	memoryTotal: number;
	memoryAllocated: number;
}

const total = (expr: SQL) => sql<number>`coalesce(sum(${expr}), 0)`.mapWith(Number);

/** Per zone: cluster counts and host sums (two grouped queries for the whole page). */
async function zoneTotals(db: Db, ids: string[]): Promise<Map<string, Totals>> {
	const [clusterRows, hostRows] = await Promise.all([
		db
			.select({
				zoneId: clusters.zoneId,
				n: count(),
				up: total(
					sql`case when ${clusters.allocationState} = 'Enabled' and ${clusters.managedState} = 'Managed' then 1 else 0 end`,
				),
			})
			.from(clusters)
			.where(inIds(clusters.zoneId, ids))
			.groupBy(clusters.zoneId),
		db
			.select({
				zoneId: hosts.zoneId,
				n: count(),
				cpuTotal: total(sql`${hosts.cpuNumber} * ${hosts.cpuSpeed} * ${clusterRatioSql("cpu")}`),
				cpuAllocated: total(sql`${hosts.cpuAllocated}`),
				memoryTotal: total(sql`${hosts.memoryTotal} * ${clusterRatioSql("memory")}`),
				memoryAllocated: total(sql`${hosts.memoryAllocated}`),
			})
			.from(hosts)
			.innerJoin(clusters, eq(clusters.id, hosts.clusterId))
			.where(inIds(hosts.zoneId, ids))
			.groupBy(hosts.zoneId),
	]);
	const byZone = new Map<string, Totals>();
	const entry = (id: string): Totals => {
		let t = byZone.get(id);
		if (!t) {
			t = { clusters: 0, upClusters: 0, hosts: 0, cpuTotal: 0, cpuAllocated: 0, memoryTotal: 0, memoryAllocated: 0 };
			byZone.set(id, t);
		}
		return t;
	};
	for (const row of clusterRows) Object.assign(entry(row.zoneId), { clusters: row.n, upClusters: row.up });
	for (const row of hostRows) {
		Object.assign(entry(row.zoneId), {
			hosts: row.n,
			cpuTotal: Math.floor(row.cpuTotal),
			cpuAllocated: row.cpuAllocated,
			memoryTotal: Math.floor(row.memoryTotal),
			memoryAllocated: row.memoryAllocated,
		});
	}
	return byZone;
}

const percent = (part: number, whole: number) => (whole === 0 ? undefined : `${((part * 100) / whole).toFixed(2)}%`);
const over = (part: number, whole: number, threshold: number) => (whole === 0 ? undefined : part / whole > threshold);

/** The metric fields of each zone in `rows`, by zone id. */
export async function zoneMetrics(
	db: Db,
	rows: readonly ZoneRow[],
): Promise<(zone: ZoneRow) => Record<string, unknown>> {
	const totals =
		rows.length === 0
			? new Map<string, Totals>()
			: await zoneTotals(
					db,
					rows.map((r) => r.id),
				);
	return (zone) => {
		const t = totals.get(zone.id) ?? {
			clusters: 0,
			upClusters: 0,
			hosts: 0,
			cpuTotal: 0,
			cpuAllocated: 0,
			memoryTotal: 0,
			memoryAllocated: 0,
		};
		// No usage statistics yet: used = 0, so the usage thresholds are known not to be exceeded
		// wherever CloudStack would compute them (at least one host / some memory).
		const noUsage = (whole: number) => (whole === 0 ? undefined : false);
		return {
			state: zone.allocationState,
			clusters: `${t.upClusters} / ${t.clusters}`,
			cputotal: `${(t.cpuTotal / 1000).toFixed(2)} Ghz`,
			cpuallocated: percent(t.cpuAllocated, t.cpuTotal),
			memorytotal: `${(t.memoryTotal / GIB).toFixed(2)} GB`,
			memoryallocated: percent(t.memoryAllocated, t.memoryTotal),
			cputhreshold: noUsage(t.hosts),
			cpudisablethreshold: noUsage(t.hosts),
			cpuallocatedthreshold: over(t.cpuAllocated, t.cpuTotal, ALLOCATED_NOTIFY),
			cpuallocateddisablethreshold: over(t.cpuAllocated, t.cpuTotal, ALLOCATED_DISABLE),
			memorythreshold: noUsage(t.memoryTotal),
			memorydisablethreshold: noUsage(t.memoryTotal),
			memoryallocatedthreshold: over(t.memoryAllocated, t.memoryTotal, ALLOCATED_NOTIFY),
			memoryallocateddisablethreshold: over(t.memoryAllocated, t.memoryTotal, ALLOCATED_DISABLE),
		};
	};
}
