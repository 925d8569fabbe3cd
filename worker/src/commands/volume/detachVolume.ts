import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VOLUME_FIELDS } from "../../api/serializers/volume";
import { volumes } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { requireVm, requireVolume } from "../../volumes/access";
import { requireSteadyVm } from "../../volumes/attach";
import { hasVmSnapshots } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const detachVolume = defineCommand({
	name: "detachVolume",
	description: "Detaches a data disk volume from its virtual machine (hot-unplugged when the instance runs)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.volume.DetachVolumeCmd", instanceType: "Volume" },
	params: {
		id: p.uuid("the ID of the disk volume", { related: "listVolumes" }),
		deviceid: p.long("the device ID on the virtual machine where volume is detached from"),
		virtualmachineid: p.uuid("the ID of the virtual machine where the volume is detached from", {
			related: "listVirtualMachines",
		}),
	},
	responseFields: VOLUME_FIELDS,
	related: ["attachVolume", "listVolumes"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		let volumeId = params.id;
		if (!volumeId) {
			if (params.virtualmachineid === undefined || params.deviceid === undefined) {
				throw new CsError(ERROR.paramError, "Please provide either a volume id, or a tuple(device id, instance id)");
			}
			const found = await db
				.select({ id: volumes.id })
				.from(volumes)
				.where(
					and(
						eq(volumes.vmId, params.virtualmachineid),
						eq(volumes.deviceId, params.deviceid),
						isNull(volumes.removed),
					),
				)
				.get();
			if (!found) throw new CsError(ERROR.paramError, "Unable to find the volume at that device of the instance");
			volumeId = found.id;
		}
		const volume = await requireVolume(db, caller, volumeId);
		if (!volume.vmId)
			throw new CsError(ERROR.paramError, `Volume ${volume.name} is not attached to any virtual machine`);
		if (volume.type === "ROOT")
			throw new CsError(ERROR.paramError, "The root volume of a virtual machine cannot be detached");
		const vm = await requireVm(db, caller, volume.vmId);
		requireSteadyVm(vm, "detached");
		if (await hasVmSnapshots(db, vm.id)) {
			throw new CsError(
				ERROR.paramError,
				"Unable to detach volume, please specify a VM that does not have VM snapshots",
			);
		}
		const jobid = await startJob(deps, caller, {
			kind: "volume.detach",
			zoneId: vm.zoneId,
			resource: `vm:${vm.id}`,
			cmd: "org.apache.cloudstack.api.command.user.volume.DetachVolumeCmd",
			instanceType: "Volume",
			instanceId: volume.id,
			payload: { volumeId: volume.id, vmId: vm.id },
		});
		return { type: "job", jobid };
	},
});
