import { HOST_METRICS_FIELDS, serializeHostMetrics } from "../../api/serializers/host";
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
		const items = rows.map((r) => serializeHostMetrics(r.host, r.ctx));
		return { type: "list", name: "host", items, count };
	},
});
