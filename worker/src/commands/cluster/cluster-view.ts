/**
 * @module Clusters as responses: the list filters listClusters and listClustersMetrics share, and
 * pages read with the zone and pod names joined in the same query (one query per page, not one
 * per row). Joined reads use Promise.all, never db.batch (drizzle-orm#6038).
 */
import { and, asc, count, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type ClusterContext, type ClusterRow, type HostSums, serializeCluster } from "../../api/serializers/cluster";
import type { Db } from "../../db/client";
import { tagFilter } from "../../db/repos/tags";
import { clusters, hosts, pods, zones } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { pagingParams } from "../list-params";
import { type ParsedParams, p } from "../param-spec";

export const clusterListParams = {
	id: p.uuid("lists clusters by the cluster ID", { related: "listClusters" }),
	ids: p.list("the IDs of the clusters, mutually exclusive with id"),
	name: p.string("lists clusters by the cluster name"),
	podid: p.uuid("lists clusters by Pod ID", { related: "listPods" }),
	zoneid: p.uuid("lists clusters by Zone ID", { related: "listZones" }),
	hypervisor: p.string("lists clusters by hypervisor type"),
	clustertype: p.string("lists clusters by cluster type"),
	allocationstate: p.string("lists clusters by allocation state"),
	managedstate: p.string("whether this cluster is managed by cloudstack"),
	arch: p.string("CPU arch of the clusters (x86_64 or aarch64)", { since: "4.20.1" }),
	tags: p.map("List resources by tags (key/value pairs)"),
	...pagingParams,
};

export type ClusterListParams = ParsedParams<typeof clusterListParams>;

/** The WHERE of a cluster list; every string filter ignores case. */
export function clusterWhere(db: Db, params: ClusterListParams): SQL | undefined {
	const filters: (SQL | undefined)[] = [];
	if (params.id) filters.push(eq(clusters.id, params.id));
	if (params.ids && params.ids.length > 0)
		filters.push(
			inArray(
				clusters.id,
				params.ids.map((id) => id.toLowerCase()),
			),
		);
	if (params.name) filters.push(eqNoCase(clusters.name, params.name));
	if (params.podid) filters.push(eq(clusters.podId, params.podid));
	if (params.zoneid) filters.push(eq(clusters.zoneId, params.zoneid));
	if (params.hypervisor) filters.push(eqNoCase(clusters.hypervisor, params.hypervisor));
	if (params.clustertype) filters.push(eqNoCase(clusters.clusterType, params.clustertype));
	if (params.allocationstate) filters.push(eqNoCase(clusters.allocationState, params.allocationstate));
	if (params.managedstate) filters.push(eqNoCase(clusters.managedState, params.managedstate));
	if (params.arch) filters.push(eqNoCase(clusters.arch, params.arch));
	if (params.keyword) filters.push(containsText(clusters.name, params.keyword));
	filters.push(tagFilter(db, "Cluster", clusters.id, params.tags));
	return and(...filters);
}

export interface ClusterPageRow {
	cluster: ClusterRow;
	ctx: ClusterContext;
}

/** One page of clusters (oldest first) with their zone and pod names, and the total count. */
export async function clusterPage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ rows: ClusterPageRow[]; count: number }> {
	const order = [asc(clusters.created), asc(clusters.id)];
	// The page's ids first, then the names joined onto those rows only (see poolPage).
	const pageIds = db
		.select({ id: clusters.id })
		.from(clusters)
		.where(where)
		.orderBy(...order)
		.limit(window.limit)
		.offset(window.offset);
	const [rows, [total]] = await Promise.all([
		db
			.select({ cluster: clusters, podName: pods.name, zoneName: zones.name })
			.from(clusters)
			.leftJoin(pods, eq(pods.id, clusters.podId))
			.leftJoin(zones, eq(zones.id, clusters.zoneId))
			.where(inArray(clusters.id, pageIds))
			.orderBy(...order),
		db.select({ n: count() }).from(clusters).where(where),
	]);
	return {
		rows: rows.map((r) => ({ cluster: r.cluster, ctx: { podName: r.podName, zoneName: r.zoneName } })),
		count: total?.n ?? 0,
	};
}

/** The response object of one cluster, read back after a change. */
export async function clusterResponse(db: Db, id: string): Promise<Record<string, unknown>> {
	const { rows } = await clusterPage(db, eq(clusters.id, id), { limit: 1, offset: 0 });
	const [row] = rows;
	return row ? serializeCluster(row.cluster, row.ctx) : {};
}

/** A cluster with the same name (ignoring case) in the pod, other than `exceptId`. */
export async function clusterNameTaken(db: Db, podId: string, name: string, exceptId?: string): Promise<boolean> {
	const [clash] = await db
		.select({ id: clusters.id })
		.from(clusters)
		.where(
			and(
				eq(clusters.podId, podId),
				eqNoCase(clusters.name, name),
				exceptId ? sql`${clusters.id} <> ${exceptId}` : undefined,
			),
		)
		.limit(1);
	return clash !== undefined;
}

/**
 * Host counts and capacity sums for the clusters of one page, in one grouped query. The page's ids
 * come from a subquery (D1 allows only 100 bound parameters, a page may hold 500 clusters).
 */
export async function hostSumsForPage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<Map<string, HostSums>> {
	const pageIds = db
		.select({ id: clusters.id })
		.from(clusters)
		.where(where)
		.orderBy(asc(clusters.created), asc(clusters.id))
		.limit(window.limit)
		.offset(window.offset);
	const rows = await db
		.select({
			clusterId: hosts.clusterId,
			total: count(),
			up: sql<number>`coalesce(sum(case when ${hosts.state} = 'Up' then 1 else 0 end), 0)`,
			cpuTotal: sql<number>`coalesce(sum(${hosts.cpuNumber} * ${hosts.cpuSpeed}), 0)`,
			cpuAllocated: sql<number>`coalesce(sum(${hosts.cpuAllocated}), 0)`,
			memoryTotal: sql<number>`coalesce(sum(${hosts.memoryTotal}), 0)`,
			memoryAllocated: sql<number>`coalesce(sum(${hosts.memoryAllocated}), 0)`,
		})
		.from(hosts)
		.where(inArray(hosts.clusterId, pageIds))
		.groupBy(hosts.clusterId);
	return new Map(rows.map(({ clusterId, ...sums }) => [clusterId, sums]));
}

export const NO_HOSTS: HostSums = { total: 0, up: 0, cpuTotal: 0, cpuAllocated: 0, memoryTotal: 0, memoryAllocated: 0 };
