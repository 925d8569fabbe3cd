import { asc, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { CAPACITY_FIELDS, type CapacityPlace, serializeCapacity } from "../../api/serializers/capacity";
import { CAPACITY_NAMES, type CapacityScope, capacityFigures } from "../../db/repos/capacity";
import { requireCluster, requirePod, requireZone } from "../../db/repos/inventory";
import { zones } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listCapacity = defineCommand({
	name: "listCapacity",
	description:
		"Lists all the system wide capacities: per zone, or for one pod or cluster with podid/clusterid; figures are always current",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		zoneid: p.uuid("lists capacity by the Zone ID", { related: "listZones" }),
		podid: p.uuid("lists capacity by the Pod ID", { related: "listPods" }),
		clusterid: p.uuid("lists capacity by the Cluster ID", { since: "3.0.0", related: "listClusters" }),
		fetchlatest: p.boolean(
			"recalculate capacities and fetch the latest (accepted and ignored: capacities are computed on every call)",
			{ since: "3.0.0" },
		),
		type: p.integer(
			"lists capacity by type: 0 MEMORY, 1 CPU, 2 STORAGE, 3 STORAGE_ALLOCATED, 6 SECONDARY_STORAGE, 8 DIRECT_ATTACHED_PUBLIC_IP, 90 CPU_CORE",
		),
		sortby: p.string("Sort the results. Available values: Usage", { since: "3.0.0" }),
		...pagingParams,
	},
	responseFields: CAPACITY_FIELDS,
	async handle({ params, deps }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		if (params.sortby !== undefined && params.sortby.trim().toLowerCase() !== "usage") {
			throw new CsError(ERROR.paramError, "Only value supported for sortBy parameter is : usage");
		}
		const scope: CapacityScope = { type: params.type };
		const place: Omit<CapacityPlace, "zoneName"> = {};
		if (params.clusterid) {
			const cluster = await requireCluster(deps.db, params.clusterid, params.podid);
			if (params.zoneid && cluster.zoneId !== params.zoneid) {
				throw new CsError(ERROR.paramError, `Cluster ${cluster.id} does not belong to zone ${params.zoneid}`);
			}
			const pod = await requirePod(deps.db, cluster.podId);
			Object.assign(scope, { zoneId: cluster.zoneId, podId: pod.id, clusterId: cluster.id });
			Object.assign(place, { pod: { id: pod.id, name: pod.name }, cluster: { id: cluster.id, name: cluster.name } });
		} else if (params.podid) {
			const pod = await requirePod(deps.db, params.podid, params.zoneid);
			Object.assign(scope, { zoneId: pod.zoneId, podId: pod.id });
			place.pod = { id: pod.id, name: pod.name };
		} else if (params.zoneid) {
			scope.zoneId = (await requireZone(deps.db, params.zoneid)).id;
		}
		const zoneRows = await deps.db
			.select({ id: zones.id, name: zones.name })
			.from(zones)
			.where(scope.zoneId ? eq(zones.id, scope.zoneId) : undefined)
			.orderBy(asc(zones.created), asc(zones.id));
		const zoneOrder = new Map(zoneRows.map((zone, i) => [zone.id, i]));
		const zoneNames = new Map(zoneRows.map((zone) => [zone.id, zone.name]));
		let figures = (await capacityFigures(deps.db, scope, [...zoneOrder.keys()])).sort(
			(a, b) => (zoneOrder.get(a.zoneId) ?? 0) - (zoneOrder.get(b.zoneId) ?? 0) || a.type - b.type,
		);
		if (params.keyword) {
			const keyword = params.keyword.toLowerCase();
			figures = figures.filter((f) => (CAPACITY_NAMES[f.type] ?? "").toLowerCase().includes(keyword));
		}
		if (params.sortby) {
			const share = (f: { used: number; total: number }) => (f.total === 0 ? 0 : f.used / f.total);
			figures = figures.sort((a, b) => share(b) - share(a));
		}
		const items = figures
			.slice(offset, offset + limit)
			.map((figure) => serializeCapacity(figure, { ...place, zoneName: zoneNames.get(figure.zoneId) ?? "" }));
		return { type: "list", name: "capacity", items, count: figures.length };
	},
});
