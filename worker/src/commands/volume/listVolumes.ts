import { and, eq, inArray, isNull, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { serializeVolumeViews, VOLUME_FIELDS, volumePage } from "../../api/serializers/volume";
import { inIds } from "../../db/in-ids";
import { scopeCondition } from "../../db/repos/scope";
import { tagFilter } from "../../db/repos/tags";
import { storagePools, vmInstances, volumes } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listVolumes = defineCommand({
	name: "listVolumes",
	description: "Lists all volumes (ROOT disks of instances and data disks)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("the ID of the disk volume", { related: "listVolumes" }),
		ids: p.list("the IDs of the volumes, mutually exclusive with id", { since: "4.9" }),
		name: p.string("the name of the disk volume"),
		type: p.string("the type of disk volume (ROOT or DATADISK)"),
		virtualmachineid: p.uuid("the ID of the virtual machine", { related: "listVirtualMachines" }),
		zoneid: p.uuid("the ID of the availability zone", { related: "listZones" }),
		podid: p.uuid("the pod id the disk volume belongs to (admins)", { related: "listPods" }),
		clusterid: p.uuid("the cluster id the disk volume belongs to (admins)", { related: "listClusters" }),
		hostid: p.uuid("list volumes on the host its instance runs on (admins)", { related: "listHosts" }),
		storageid: p.string("the ID of the storage pool, available to ROOT admin only", { related: "listStoragePools" }),
		diskofferingid: p.uuid("list volumes by disk offering", { related: "listDiskOfferings" }),
		state: p.string("state of the volume: Allocated, Ready, …"),
		displayvolume: p.boolean("list resources by display flag (every volume is displayed)"),
		listsystemvms: p.boolean("list system VMs' volumes too (there are none)"),
		tags: p.map("List resources by tags (key/value pairs)"),
		projectid: p.uuid("not supported: flarestack has no projects"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: VOLUME_FIELDS,
	related: ["createVolume", "attachVolume"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		const window = pageWindow(params, deps.settings);
		const admin = visibleSubtree(caller) !== null;
		const filters: (SQL | undefined)[] = [
			isNull(volumes.removed),
			await scopeCondition(db, caller, params, volumes, { ownByDefault: true }),
			tagFilter(db, "Volume", volumes.id, params.tags),
		];
		if (params.id) filters.push(eq(volumes.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("ids", bad);
			filters.push(inIds(volumes.id, ids));
		}
		if (params.name) filters.push(eqNoCase(volumes.name, params.name.trim()));
		if (params.keyword) filters.push(containsText(volumes.name, params.keyword));
		if (params.type) filters.push(eqNoCase(volumes.type, params.type.trim()));
		if (params.virtualmachineid) filters.push(eq(volumes.vmId, params.virtualmachineid));
		if (params.zoneid) filters.push(eq(volumes.zoneId, params.zoneid));
		if (params.diskofferingid) filters.push(eq(volumes.diskOfferingId, params.diskofferingid));
		if (params.state) filters.push(eqNoCase(volumes.state, params.state.trim()));
		if (admin) {
			if (params.storageid) filters.push(eq(volumes.poolId, params.storageid.trim().toLowerCase()));
			const pools = (column: typeof storagePools.podId | typeof storagePools.clusterId, value: string) =>
				inArray(volumes.poolId, db.select({ id: storagePools.id }).from(storagePools).where(eq(column, value)));
			if (params.podid) filters.push(pools(storagePools.podId, params.podid));
			if (params.clusterid) filters.push(pools(storagePools.clusterId, params.clusterid));
			if (params.hostid) {
				filters.push(
					inArray(
						volumes.vmId,
						db.select({ id: vmInstances.id }).from(vmInstances).where(eq(vmInstances.hostId, params.hostid)),
					),
				);
			}
		}
		const { rows, count } = await volumePage(db, and(...filters), window);
		const items = await serializeVolumeViews(db, rows, caller);
		return { type: "list", name: "volume", items, count };
	},
});
