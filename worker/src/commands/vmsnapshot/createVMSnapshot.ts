import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VM_SNAPSHOT_FIELDS } from "../../api/serializers/vm-snapshot";
import { vmSnapshots } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { newUuid } from "../../lib/ids";
import { requireVm } from "../../volumes/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { stamp } from "../snapshot/snapshot-names";

export const createVMSnapshot = defineCommand({
	name: "createVMSnapshot",
	description:
		"Creates a disk-only snapshot of a virtual machine: a copy of each of its volumes kept on the volume's pool",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: {
		className: "org.apache.cloudstack.api.command.user.vmsnapshot.CreateVMSnapshotCmd",
		instanceType: "VMSnapshot",
	},
	params: {
		virtualmachineid: p.uuid("The ID of the vm", { required: true, related: "listVirtualMachines" }),
		name: p.string("The display name of the snapshot"),
		description: p.string("The description of the snapshot", { length: 4096 }),
		snapshotmemory: p.boolean("snapshot memory if true (not supported: snapshots are disk-only)"),
		quiescevm: p.boolean("quiesce vm if true (not supported: copies are crash-consistent)"),
	},
	responseFields: VM_SNAPSHOT_FIELDS,
	related: ["listVMSnapshot", "revertToVMSnapshot", "deleteVMSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.snapshotmemory) {
			throw new CsError(ERROR.paramError, "Memory snapshots are not supported: leave out snapshotmemory (disk-only)");
		}
		const vm = await requireVm(db, caller, params.virtualmachineid);
		if (vm.state !== "Running" && vm.state !== "Stopped") {
			throw new CsError(
				ERROR.paramError,
				`VM ${vm.name} is ${vm.state}: only Running or Stopped VMs can be snapshotted`,
			);
		}
		const now = deps.clock.now();
		const current = await db
			.select({ id: vmSnapshots.id })
			.from(vmSnapshots)
			.where(and(eq(vmSnapshots.vmId, vm.id), eq(vmSnapshots.current, true)))
			.get();
		const id = newUuid();
		const name = params.name?.trim() || `${vm.instanceName}_VS_${stamp(now)}`;
		await db.insert(vmSnapshots).values({
			id,
			name,
			displayName: name,
			description: params.description ?? null,
			vmId: vm.id,
			accountId: vm.accountId,
			domainId: vm.domainId,
			zoneId: vm.zoneId,
			state: "Allocated",
			parentId: current?.id ?? null,
			created: now,
		});
		const jobid = await startJob(deps, caller, {
			kind: "vmsnapshot.create",
			zoneId: vm.zoneId,
			resource: `vm:${vm.id}`,
			cmd: "org.apache.cloudstack.api.command.user.vmsnapshot.CreateVMSnapshotCmd",
			instanceType: "VMSnapshot",
			instanceId: id,
			payload: { vmSnapshotId: id },
		});
		return { type: "job", jobid, id };
	},
});
