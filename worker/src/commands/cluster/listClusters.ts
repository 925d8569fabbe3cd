import { CLUSTER_FIELDS, serializeCluster } from "../../api/serializers/cluster";
import { defineCommand } from "../define";
import { pageWindow } from "../list-params";
import { clusterListParams, clusterPage, clusterWhere } from "./cluster-view";

export const listClusters = defineCommand({
	name: "listClusters",
	description: "Lists clusters.",
	access: "authenticated",
	authorized: ["Admin"],
	params: clusterListParams,
	responseFields: CLUSTER_FIELDS,
	related: ["addCluster", "updateCluster", "listClustersMetrics"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const { rows, count } = await clusterPage(deps.db, clusterWhere(deps.db, params), window);
		const items = rows.map((r) => serializeCluster(r.cluster, r.ctx));
		return { type: "list", name: "cluster", items, count };
	},
});
