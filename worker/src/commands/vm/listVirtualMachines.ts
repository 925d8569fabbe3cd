import { and, eq, inArray, isNull, ne, or, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { serializeVms, VM_FIELDS } from "../../api/serializers/vm";
import { inIds } from "../../db/in-ids";
import { listPage } from "../../db/repos/list-page";
import { scopeCondition } from "../../db/repos/scope";
import { tagFilter } from "../../db/repos/tags";
import { nics, vmInstances, volumes } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { VM_RELATED } from "./lifecycle-rules";

/** CloudStack's VMDetails values for `details`. */
const DETAIL_GROUPS = [
	"all",
	"group",
	"nics",
	"stats",
	"secgrp",
	"tmpl",
	"servoff",
	"diskoff",
	"backoff",
	"iso",
	"volume",
	"min",
	"affgrp",
];

export const listVirtualMachines = defineCommand({
	name: "listVirtualMachines",
	description: "List the virtual machines owned by the account (all the caller may see with listall=true)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("the ID of the virtual machine", { related: "listVirtualMachines" }),
		ids: p.list("the IDs of the virtual machines, mutually exclusive with id", { since: "4.4" }),
		name: p.string("name of the virtual machine (a substring of its host name)"),
		state: p.string("state of the virtual machine: Running, Stopped, Starting, Stopping, Destroyed, Error, …"),
		zoneid: p.uuid("the availability zone ID", { related: "listZones" }),
		podid: p.uuid("the pod ID (root admin only)", { related: "listPods" }),
		clusterid: p.uuid("the cluster ID (root admin only)", { since: "4.16.0", related: "listClusters" }),
		hostid: p.uuid("the host ID (root admin only)", { related: "listHosts" }),
		storageid: p.uuid("the storage pool ID holding a volume of the VM (root admin only)", {
			related: "listStoragePools",
		}),
		templateid: p.uuid("list vms by template", { related: "listTemplates" }),
		isoid: p.uuid("list vms by iso", { related: "listIsos" }),
		serviceofferingid: p.uuid("list by the service offering", { since: "4.4", related: "listServiceOfferings" }),
		networkid: p.uuid("list by network id", { related: "listNetworks" }),
		keypair: p.string("list vms by ssh keypair name"),
		userid: p.uuid("the user ID that created the VM and is under the account that owns the VM", {
			related: "listUsers",
		}),
		haenable: p.boolean("list by the High Availability offering; true if filtering VMs with HA enabled", {
			since: "4.15",
		}),
		displayvm: p.boolean("list resources by display flag; only ROOT admin is eligible to pass this parameter", {
			since: "4.4",
		}),
		details: p.list(
			"comma separated list of vm details requested, value can be a list of [all, group, nics, stats, secgrp, tmpl, servoff, diskoff, backoff, iso, volume, min, affgrp]. If no parameter is passed in, the details will be defaulted to all",
		),
		userdata: p.boolean("Whether to return the VMs' user data or not. By default, user data will not be returned.", {
			since: "4.18.0.0",
		}),
		tags: p.map("List resources by tags (key/value pairs)"),
		projectid: p.uuid("not supported: flarestack has no projects"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		const bad = (params.details ?? []).find((d) => !DETAIL_GROUPS.includes(d.toLowerCase()));
		if (bad !== undefined)
			throw new CsError(ERROR.paramError, `Invalid details value ${bad}: use ${DETAIL_GROUPS.join(", ")}`);
		const window = pageWindow(params, deps.settings);
		const { db } = deps;
		const admin = visibleSubtree(caller) !== null;
		const filters: (SQL | undefined)[] = [
			isNull(vmInstances.removed),
			await scopeCondition(db, caller, params, vmInstances, { ownByDefault: true }),
			// CloudStack's allow.user.view.destroyed.vm=false: users do not see their destroyed VMs.
			admin || params.state ? undefined : ne(vmInstances.state, "Destroyed"),
			admin ? undefined : eq(vmInstances.displayVm, true),
		];
		if (params.id) filters.push(eq(vmInstances.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const wrong = ids.find((v) => !isUuid(v));
			if (wrong !== undefined) throw invalidParam("ids", wrong);
			filters.push(inIds(vmInstances.id, ids));
		}
		if (params.name) filters.push(containsText(vmInstances.name, params.name.trim()));
		if (params.state) filters.push(eqNoCase(vmInstances.state, params.state.trim()));
		if (params.keyword) {
			filters.push(
				or(
					containsText(vmInstances.name, params.keyword),
					containsText(vmInstances.displayName, params.keyword),
					containsText(vmInstances.instanceName, params.keyword),
				),
			);
		}
		if (params.zoneid) filters.push(eq(vmInstances.zoneId, params.zoneid));
		if (admin) {
			if (params.podid) filters.push(eq(vmInstances.podId, params.podid));
			if (params.clusterid) filters.push(eq(vmInstances.clusterId, params.clusterid));
			if (params.hostid) filters.push(eq(vmInstances.hostId, params.hostid));
			if (params.displayvm !== undefined) filters.push(eq(vmInstances.displayVm, params.displayvm));
			if (params.storageid) {
				const onPool = db
					.select({ id: volumes.vmId })
					.from(volumes)
					.where(and(eq(volumes.poolId, params.storageid), isNull(volumes.removed)));
				filters.push(inArray(vmInstances.id, onPool));
			}
		}
		if (params.templateid) filters.push(eq(vmInstances.templateId, params.templateid));
		if (params.isoid) filters.push(eq(vmInstances.isoId, params.isoid));
		if (params.serviceofferingid) filters.push(eq(vmInstances.serviceOfferingId, params.serviceofferingid));
		if (params.userid) filters.push(eq(vmInstances.userId, params.userid));
		if (params.haenable !== undefined) filters.push(eq(vmInstances.haEnabled, params.haenable));
		if (params.keypair) filters.push(containsText(vmInstances.keypairs, params.keypair.trim()));
		if (params.networkid) {
			filters.push(
				inArray(vmInstances.id, db.select({ id: nics.vmId }).from(nics).where(eq(nics.networkId, params.networkid))),
			);
		}
		filters.push(tagFilter(db, "UserVm", vmInstances.id, params.tags));
		const { rows, count } = await listPage(
			db,
			vmInstances,
			and(...filters),
			[vmInstances.created, vmInstances.id],
			window,
		);
		const items = await serializeVms(db, rows, caller, { details: params.details, userData: params.userdata });
		return { type: "list", name: "virtualmachine", items, count };
	},
});
