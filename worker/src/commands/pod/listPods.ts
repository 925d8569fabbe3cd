import { and, asc, eq, like, type SQL } from "drizzle-orm";
import { POD_FIELDS, serializePods } from "../../api/serializers/pod";
import { allocationState } from "../../db/repos/inventory";
import { listPage } from "../../db/repos/list-page";
import { tagFilter } from "../../db/repos/tags";
import { pods } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listPods = defineCommand({
	name: "listPods",
	description: "Lists all Pods.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("list Pods by ID", { related: "listPods" }),
		name: p.string("list Pods by name"),
		zoneid: p.uuid("list Pods by Zone ID", { related: "listZones" }),
		allocationstate: p.string("list pods by allocation state"),
		showcapacities: p.boolean("flag to display the capacity of the pods (accepted; capacity comes with listCapacity)"),
		tags: p.map("List pods by resource tags (key/value pairs)"),
		...pagingParams,
	},
	responseFields: POD_FIELDS,
	related: ["createPod", "updatePod"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [tagFilter(deps.db, "Pod", pods.id, params.tags)];
		if (params.id) filters.push(eq(pods.id, params.id));
		if (params.name) filters.push(eqNoCase(pods.name, params.name));
		if (params.zoneid) filters.push(eq(pods.zoneId, params.zoneid));
		if (params.allocationstate) {
			filters.push(eq(pods.allocationState, allocationState(params.allocationstate, "Enabled")));
		}
		if (params.keyword) filters.push(like(pods.name, `%${params.keyword}%`));
		const { rows, count } = await listPage(deps.db, pods, and(...filters), [asc(pods.created), asc(pods.id)], window);
		const items = await serializePods(deps.db, rows);
		return { type: "list", name: "pod", items, count };
	},
});
