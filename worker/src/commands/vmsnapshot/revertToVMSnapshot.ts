import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VM_FIELDS } from "../../api/serializers/vm";
import { vmInstances } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { requireVmSnapshot } from "../../volumes/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const revertToVMSnapshot = defineCommand({
	name: "revertToVMSnapshot",
	description: "Reverts a virtual machine's volumes to a disk-only VM snapshot; the VM must be Stopped",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: {
		className: "org.apache.cloudstack.api.command.user.vmsnapshot.RevertToVMSnapshotCmd",
		instanceType: "VMSnapshot",
	},
	params: {
		vmsnapshotid: p.uuid("The ID of the vm snapshot", { required: true, related: "listVMSnapshot" }),
	},
	responseFields: VM_FIELDS,
	related: ["createVMSnapshot", "listVMSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const snap = await requireVmSnapshot(db, caller, params.vmsnapshotid);
		if (snap.state !== "Ready") {
			throw new CsError(
				ERROR.paramError,
				`VM snapshot ${snap.name} is ${snap.state}: only Ready VM snapshots can be reverted to`,
			);
		}
		const vm = await db.select().from(vmInstances).where(eq(vmInstances.id, snap.vmId)).get();
		if (!vm || vm.removed !== null)
			throw new CsError(ERROR.paramError, `The VM of snapshot ${snap.name} no longer exists`);
		if (vm.state !== "Stopped") {
			throw new CsError(
				ERROR.paramError,
				`VM ${vm.name} is ${vm.state}: stop it before reverting to a disk-only VM snapshot`,
			);
		}
		const jobid = await startJob(deps, caller, {
			kind: "vmsnapshot.revert",
			zoneId: snap.zoneId,
			resource: `vm:${vm.id}`,
			cmd: "org.apache.cloudstack.api.command.user.vmsnapshot.RevertToVMSnapshotCmd",
			instanceType: "VMSnapshot",
			instanceId: snap.id,
			payload: { vmSnapshotId: snap.id },
		});
		return { type: "job", jobid };
	},
});
