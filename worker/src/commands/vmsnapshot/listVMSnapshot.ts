import { and, eq, isNull, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { serializeVmSnapshotViews, VM_SNAPSHOT_FIELDS, vmSnapshotPage } from "../../api/serializers/vm-snapshot";
import { inIds } from "../../db/in-ids";
import { scopeCondition } from "../../db/repos/scope";
import { tagFilter } from "../../db/repos/tags";
import { vmSnapshots } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listVMSnapshot = defineCommand({
	name: "listVMSnapshot",
	description: "List virtual machine snapshots",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		vmsnapshotid: p.uuid("The ID of the VM snapshot", { related: "listVMSnapshot" }),
		vmsnapshotids: p.list("the IDs of the vm snapshots, mutually exclusive with vmsnapshotid", { since: "4.9" }),
		state: p.string("state of the virtual machine snapshot"),
		virtualmachineid: p.uuid("the ID of the vm", { related: "listVirtualMachines" }),
		name: p.string("lists snapshot by snapshot name or display name"),
		tags: p.map("List resources by tags (key/value pairs)"),
		projectid: p.uuid("not supported: flarestack has no projects"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: VM_SNAPSHOT_FIELDS,
	related: ["createVMSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.projectid !== undefined) {
			throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
		}
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			isNull(vmSnapshots.removed),
			await scopeCondition(db, caller, params, vmSnapshots, { ownByDefault: true }),
			tagFilter(db, "VMSnapshot", vmSnapshots.id, params.tags),
		];
		if (params.vmsnapshotid) filters.push(eq(vmSnapshots.id, params.vmsnapshotid));
		if (params.vmsnapshotids) {
			const ids = params.vmsnapshotids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("vmsnapshotids", bad);
			filters.push(inIds(vmSnapshots.id, ids));
		}
		if (params.state) filters.push(eqNoCase(vmSnapshots.state, params.state.trim()));
		if (params.virtualmachineid) filters.push(eq(vmSnapshots.vmId, params.virtualmachineid));
		if (params.name) filters.push(eqNoCase(vmSnapshots.displayName, params.name.trim()));
		if (params.keyword) filters.push(containsText(vmSnapshots.displayName, params.keyword));
		const { rows, count } = await vmSnapshotPage(db, and(...filters), window);
		return { type: "list", name: "vmSnapshot", items: await serializeVmSnapshotViews(db, rows), count };
	},
});
