import { CLUSTER_METRICS_FIELDS, serializeClusterMetrics } from "../../api/serializers/cluster";
import { defineCommand } from "../define";
import { pageWindow } from "../list-params";
import { clusterListParams, clusterPage, clusterWhere, hostSumsForPage, NO_HOSTS } from "./cluster-view";

export const listClustersMetrics = defineCommand({
	name: "listClustersMetrics",
	description: "Lists Cluster metrics",
	since: "4.9.3",
	access: "authenticated",
	authorized: ["Admin"],
	params: clusterListParams,
	responseFields: CLUSTER_METRICS_FIELDS,
	related: ["listClusters"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const where = clusterWhere(deps.db, params);
		const [page, sums] = await Promise.all([
			clusterPage(deps.db, where, window),
			hostSumsForPage(deps.db, where, window),
		]);
		const items = page.rows.map((r) => serializeClusterMetrics(r.cluster, r.ctx, sums.get(r.cluster.id) ?? NO_HOSTS));
		return { type: "list", name: "cluster", items, count: page.count };
	},
});
