import { CsError, ERROR } from "../../api/errors";
import { VOLUME_FIELDS } from "../../api/serializers/volume";
import { startJob } from "../../jobs/start";
import { requireVm, requireVolume } from "../../volumes/access";
import { requireSteadyVm } from "../../volumes/attach";
import { hasVmSnapshots } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVolumeState } from "./volume-rules";

export const attachVolume = defineCommand({
	name: "attachVolume",
	description:
		"Attaches a disk volume to a virtual machine: an Allocated volume is first created on the instance's root disk pool; a running instance gets it hot-plugged",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.volume.AttachVolumeCmd", instanceType: "Volume" },
	params: {
		id: p.uuid("the ID of the disk volume", { required: true, related: "listVolumes" }),
		virtualmachineid: p.uuid("the ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		deviceid: p.long("The ID of the device to map the volume to the guest OS (1-25; vdb is 1)"),
	},
	responseFields: VOLUME_FIELDS,
	related: ["detachVolume", "listVolumes"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const volume = await requireVolume(db, caller, params.id);
		const vm = await requireVm(db, caller, params.virtualmachineid);
		if (volume.type !== "DATADISK") {
			throw new CsError(
				ERROR.paramError,
				`Volume ${volume.name} is a ${volume.type} volume: only data disks can be attached`,
			);
		}
		if (volume.vmId) {
			throw new CsError(
				ERROR.paramError,
				`Volume ${volume.name} is already attached to a virtual machine; detach it first`,
			);
		}
		if (volume.accountId !== vm.accountId) {
			throw new CsError(ERROR.paramError, `Owners of volume ${volume.name} and virtual machine ${vm.name} differ`);
		}
		if (volume.zoneId !== vm.zoneId) {
			throw new CsError(
				ERROR.paramError,
				`Volume ${volume.name} and virtual machine ${vm.name} are in different zones`,
			);
		}
		if (params.deviceid !== undefined && (params.deviceid < 1 || params.deviceid > 25)) {
			throw new CsError(ERROR.paramError, `Invalid deviceid ${params.deviceid}: use 1 to 25 (0 is the root disk)`);
		}
		requireVolumeState(volume, ["Allocated", "Ready"], "attached");
		requireSteadyVm(vm, "attached");
		if (await hasVmSnapshots(db, vm.id)) {
			throw new CsError(
				ERROR.paramError,
				"Unable to attach volume, please specify a VM that does not have VM snapshots",
			);
		}
		const jobid = await startJob(deps, caller, {
			kind: "volume.attach",
			zoneId: vm.zoneId,
			resource: `vm:${vm.id}`,
			cmd: "org.apache.cloudstack.api.command.user.volume.AttachVolumeCmd",
			instanceType: "Volume",
			instanceId: volume.id,
			payload: { volumeId: volume.id, vmId: vm.id, deviceId: params.deviceid },
		});
		return { type: "job", jobid };
	},
});
