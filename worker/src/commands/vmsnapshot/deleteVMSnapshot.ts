import { CsError, ERROR } from "../../api/errors";
import { startJob } from "../../jobs/start";
import { requireVmSnapshot } from "../../volumes/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteVMSnapshot = defineCommand({
	name: "deleteVMSnapshot",
	description: "Deletes a disk-only VM snapshot: its copies of the volumes are removed from the pools",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: {
		className: "org.apache.cloudstack.api.command.user.vmsnapshot.DeleteVMSnapshotCmd",
		instanceType: "VMSnapshot",
	},
	params: {
		vmsnapshotid: p.uuid("The ID of the VM snapshot", { required: true, related: "listVMSnapshot" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createVMSnapshot", "listVMSnapshot"],
	async handle({ params, deps, caller }) {
		const snap = await requireVmSnapshot(deps.db, caller, params.vmsnapshotid);
		if (snap.state !== "Ready" && snap.state !== "Error") {
			throw new CsError(ERROR.paramError, `VM snapshot ${snap.name} is ${snap.state}: it cannot be deleted now`);
		}
		const jobid = await startJob(deps, caller, {
			kind: "vmsnapshot.delete",
			zoneId: snap.zoneId,
			resource: `vm:${snap.vmId}`,
			cmd: "org.apache.cloudstack.api.command.user.vmsnapshot.DeleteVMSnapshotCmd",
			instanceType: "VMSnapshot",
			instanceId: snap.id,
			payload: { vmSnapshotId: snap.id },
		});
		return { type: "job", jobid };
	},
});
