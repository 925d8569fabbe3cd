import { HOST_FIELDS, serializeHost } from "../../api/serializers/host";
import { defineCommand } from "../define";
import { pageWindow } from "../list-params";
import { hostListParams, hostPage, hostWhere } from "./host-view";

export const listHosts = defineCommand({
	name: "listHosts",
	description: "Lists hosts.",
	access: "authenticated",
	authorized: ["Admin"],
	params: hostListParams,
	responseFields: HOST_FIELDS,
	related: ["addHost", "updateHost", "listHostsMetrics"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const { rows, count } = await hostPage(deps.db, hostWhere(deps.db, params), window);
		const items = rows.map((r) => serializeHost(r.host, r.ctx));
		return { type: "list", name: "host", items, count };
	},
});
