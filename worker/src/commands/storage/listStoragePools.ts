import { and, eq, inArray, like, or, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { STORAGE_POOL_FIELDS } from "../../api/serializers/storage-pool";
import { tagFilter } from "../../db/repos/tags";
import { hosts, storagePools } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { poolPage } from "./pool-views";

const SCOPES = ["CLUSTER", "ZONE", "HOST"];

export const listStoragePools = defineCommand({
	name: "listStoragePools",
	description: "Lists storage pools (primary storage)",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the storage pool", { related: "listStoragePools" }),
		ids: p.list("the IDs of the storage pools, comma-separated"),
		name: p.string("the name of the storage pool"),
		zoneid: p.uuid("the Zone ID for the storage pool", { related: "listZones" }),
		podid: p.uuid("the Pod ID for the storage pool", { related: "listPods" }),
		clusterid: p.uuid("list storage pools belonging to the specific cluster", { related: "listClusters" }),
		hostid: p.uuid("host ID of the storage pools: the pools its hosts can reach (its cluster's and its zone's)", {
			related: "listHosts",
		}),
		ipaddress: p.string("the IP address for the storage pool"),
		path: p.string("the storage pool path"),
		scope: p.string("the scope of the storage pool: CLUSTER or ZONE"),
		status: p.string("the status of the storage pool: Up, Disabled, PrepareForMaintenance, Maintenance, …"),
		tags: p.map("List resources by tags (key/value pairs)"),
		...pagingParams,
	},
	responseFields: STORAGE_POOL_FIELDS,
	related: ["createStoragePool", "updateStoragePool"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [];
		if (params.id) filters.push(eq(storagePools.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("ids", bad);
			filters.push(inArray(storagePools.id, ids.length ? ids : [""]));
		}
		if (params.name) filters.push(eqNoCase(storagePools.name, params.name.trim()));
		if (params.zoneid) filters.push(eq(storagePools.zoneId, params.zoneid));
		if (params.podid) filters.push(eq(storagePools.podId, params.podid));
		if (params.clusterid) filters.push(eq(storagePools.clusterId, params.clusterid));
		if (params.hostid) {
			const host = await deps.db.select().from(hosts).where(eq(hosts.id, params.hostid)).get();
			if (!host) throw invalidParam("hostid", params.hostid);
			filters.push(
				or(
					eq(storagePools.clusterId, host.clusterId),
					and(eq(storagePools.scope, "ZONE"), eq(storagePools.zoneId, host.zoneId)),
				),
			);
		}
		if (params.ipaddress) filters.push(eqNoCase(storagePools.host, params.ipaddress.trim()));
		if (params.path) filters.push(eq(storagePools.path, params.path.trim().replace(/(.)\/+$/, "$1")));
		if (params.scope) {
			const scope = params.scope.trim().toUpperCase();
			if (!SCOPES.includes(scope)) {
				throw new CsError(ERROR.paramError, `Invalid scope type: ${params.scope}; use CLUSTER, ZONE or HOST`);
			}
			filters.push(eq(storagePools.scope, scope));
		}
		if (params.status) filters.push(eqNoCase(storagePools.state, params.status.trim()));
		if (params.keyword) filters.push(like(storagePools.name, `%${params.keyword}%`));
		filters.push(tagFilter(deps.db, "Storage", storagePools.id, params.tags));
		const { items, count } = await poolPage(deps.db, and(...filters), window);
		return { type: "list", name: "storagepool", items, count };
	},
});
