import { CLUSTER_METRICS_FIELDS, serializeClusterMetrics } from "../../api/serializers/cluster";
import { effectiveRatio } from "../../vms/capacity";
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
		const cpu = deps.settings.decimal("cpu.overprovisioning.factor");
		const memory = deps.settings.decimal("mem.overprovisioning.factor");
		const items = page.rows.map((r) => {
			// The totals carry the ratios the planner applies (the cluster's own, else the global factor).
			const cluster = {
				...r.cluster,
				cpuOvercommitRatio: ratioText(r.cluster.cpuOvercommitRatio, cpu),
				memoryOvercommitRatio: ratioText(r.cluster.memoryOvercommitRatio, memory),
			};
			return serializeClusterMetrics(cluster, r.ctx, sums.get(r.cluster.id) ?? NO_HOSTS);
		});
		return { type: "list", name: "cluster", items, count: page.count };
	},
});

/** The effective ratio, in the cluster's own text when that is what applies ("1.0" stays "1.0"). */
function ratioText(own: string, globalFactor: number): string {
	const ratio = effectiveRatio(own, globalFactor);
	return ratio === Number(own) ? own : String(ratio);
}
