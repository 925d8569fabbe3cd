/**
 * @module Hosts as responses: the list filters listHosts and listHostsMetrics share, and pages
 * read with the zone, pod and cluster joined in the same query (one query per page, not one per
 * row). Joined reads use Promise.all, never db.batch (drizzle-orm#6038).
 */
import { and, asc, count, eq, inArray, type SQL, sql } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { type HostContext, type HostRow, serializeHost } from "../../api/serializers/host";
import type { Db } from "../../db/client";
import { clusters, hosts, pods, zones } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { clusterRatioSql } from "../../vms/capacity";
import { pagingParams } from "../list-params";
import { type ParsedParams, p } from "../param-spec";

export const hostListParams = {
	id: p.uuid("the id of the host", { related: "listHosts" }),
	name: p.string("the name of the host"),
	zoneid: p.uuid("the Zone ID for the host", { related: "listZones" }),
	podid: p.uuid("the Pod ID for the host", { related: "listPods" }),
	clusterid: p.uuid("lists hosts existing in particular cluster", { related: "listClusters" }),
	type: p.string("the host type (flarestack's hosts are all Routing)"),
	state: p.string("the state of the host"),
	resourcestate: p.string("list hosts by resource state. Resource state represents current state determined by admin"),
	hypervisor: p.string("hypervisor type of host: KVM"),
	arch: p.string("CPU Arch of the host", { since: "4.20.1" }),
	...pagingParams,
};

export type HostListParams = ParsedParams<typeof hostListParams>;

/** Matches no row: a filter on a value no flarestack host can have (another type or hypervisor). */
const NOTHING = sql`0`;

/** The WHERE of a host list; every string filter ignores case. */
export function hostWhere(db: Db, params: HostListParams): SQL | undefined {
	const filters: (SQL | undefined)[] = [];
	if (params.id) filters.push(eq(hosts.id, params.id));
	if (params.name) filters.push(eqNoCase(hosts.name, params.name));
	if (params.zoneid) filters.push(eq(hosts.zoneId, params.zoneid));
	if (params.podid) filters.push(eq(hosts.podId, params.podid));
	if (params.clusterid) filters.push(eq(hosts.clusterId, params.clusterid));
	if (params.type && params.type.trim().toLowerCase() !== "routing") filters.push(NOTHING);
	if (params.hypervisor && params.hypervisor.trim().toLowerCase() !== "kvm") filters.push(NOTHING);
	if (params.state) filters.push(eqNoCase(hosts.state, params.state));
	if (params.resourcestate) filters.push(eqNoCase(hosts.resourceState, params.resourcestate));
	if (params.arch) {
		const ofArch = db.select({ id: clusters.id }).from(clusters).where(eqNoCase(clusters.arch, params.arch));
		filters.push(inArray(hosts.clusterId, ofArch));
	}
	if (params.keyword) filters.push(containsText(hosts.name, params.keyword));
	return and(...filters);
}

export interface HostPageRow {
	host: HostRow;
	ctx: HostContext;
}

/** One page of hosts (oldest first) with their zone, pod and cluster, and the total count. */
export async function hostPage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ rows: HostPageRow[]; count: number }> {
	const order = [asc(hosts.created), asc(hosts.id)];
	// The page's ids first (a subquery: D1 binds at most 100 parameters), then the joins on those rows only.
	const pageIds = db
		.select({ id: hosts.id })
		.from(hosts)
		.where(where)
		.orderBy(...order)
		.limit(window.limit)
		.offset(window.offset);
	const [rows, [total]] = await Promise.all([
		db
			.select({
				host: hosts,
				zoneName: zones.name,
				podName: pods.name,
				clusterName: clusters.name,
				clusterType: clusters.clusterType,
				arch: clusters.arch,
				// The ratios the planner applies (the cluster's own, else the global factor).
				cpuOvercommitRatio: sql<string>`${clusterRatioSql("cpu")}`,
				memoryOvercommitRatio: sql<string>`${clusterRatioSql("memory")}`,
			})
			.from(hosts)
			.leftJoin(zones, eq(zones.id, hosts.zoneId))
			.leftJoin(pods, eq(pods.id, hosts.podId))
			.leftJoin(clusters, eq(clusters.id, hosts.clusterId))
			.where(inArray(hosts.id, pageIds))
			.orderBy(...order),
		db.select({ n: count() }).from(hosts).where(where),
	]);
	return {
		rows: rows.map(({ host, ...ctx }) => ({ host, ctx })),
		count: total?.n ?? 0,
	};
}

/** The page row of one host, read back after a change. */
export async function hostPageRow(db: Db, id: string): Promise<HostPageRow | undefined> {
	const { rows } = await hostPage(db, eq(hosts.id, id), { limit: 1, offset: 0 });
	return rows[0];
}

/** The host, or CloudStack's 431 for an id that names none. */
export async function requireHost(db: Db, id: string, param = "id"): Promise<HostRow> {
	const row = await db.select().from(hosts).where(eq(hosts.id, id)).get();
	if (!row) throw invalidParam(param, id);
	return row;
}

/** A host of the zone already reached by this libvirt URI. */
export async function hostWithUrl(
	db: Db,
	zoneId: string,
	uri: string,
): Promise<{ id: string; name: string } | undefined> {
	const [row] = await db
		.select({ id: hosts.id, name: hosts.name })
		.from(hosts)
		.where(and(eq(hosts.zoneId, zoneId), eq(hosts.url, uri)))
		.limit(1);
	return row;
}

/** The response object of one host, read back after a change. */
export async function hostResponse(db: Db, id: string): Promise<Record<string, unknown>> {
	const row = await hostPageRow(db, id);
	return row ? serializeHost(row.host, row.ctx) : {};
}
