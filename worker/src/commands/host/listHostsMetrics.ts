import { and, count, isNull, sql } from "drizzle-orm";
import { HOST_METRICS_FIELDS, serializeHostMetrics } from "../../api/serializers/host";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { vmInstances } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow } from "../list-params";
import { hostListParams, hostPage, hostWhere } from "./host-view";

export const listHostsMetrics = defineCommand({
	name: "listHostsMetrics",
	description: "Lists hosts metrics",
	since: "4.9.3",
	access: "authenticated",
	authorized: ["Admin"],
	params: hostListParams,
	responseFields: HOST_METRICS_FIELDS,
	related: ["listHosts"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const { rows, count } = await hostPage(deps.db, hostWhere(deps.db, params), window);
		const instances = await instanceCounts(
			deps.db,
			rows.map((r) => r.host.id),
		);
		const items = rows.map((r) => serializeHostMetrics(r.host, r.ctx, instances.get(r.host.id)));
		return { type: "list", name: "host", items, count };
	},
});

/** Per host of the page: its running instances and all instances placed on it (CloudStack's "R / T"). */
async function instanceCounts(db: Db, hostIds: string[]): Promise<Map<string, { running: number; total: number }>> {
	if (hostIds.length === 0) return new Map();
	const rows = await db
		.select({
			hostId: vmInstances.hostId,
			total: count(),
			running: sql<number>`sum(case when ${vmInstances.state} = 'Running' then 1 else 0 end)`,
		})
		.from(vmInstances)
		.where(and(inIds(vmInstances.hostId, hostIds), isNull(vmInstances.removed)))
		.groupBy(vmInstances.hostId);
	return new Map(rows.map((r) => [r.hostId ?? "", { running: Number(r.running), total: r.total }]));
}
