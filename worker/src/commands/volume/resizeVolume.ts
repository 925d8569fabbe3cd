import { CsError, ERROR } from "../../api/errors";
import { VOLUME_FIELDS } from "../../api/serializers/volume";
import { startJob } from "../../jobs/start";
import { requireVolume } from "../../volumes/access";
import { GIB } from "../../volumes/paths";
import { hasVmSnapshots, volumeResource } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireDiskOffering, requireVolumeState, volumeBytes } from "./volume-rules";

export const resizeVolume = defineCommand({
	name: "resizeVolume",
	description:
		"Grows a volume: to `size` GB (customized disk offering) or to a new disk offering's size; a running instance sees the new size at once",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.volume.ResizeVolumeCmd", instanceType: "Volume" },
	params: {
		id: p.uuid("the ID of the disk volume", { required: true, related: "listVolumes" }),
		size: p.long("New volume size in GB"),
		diskofferingid: p.uuid("new disk offering id", { related: "listDiskOfferings" }),
		shrinkok: p.boolean("Verify OK to Shrink (shrinking is not supported: qcow2 volumes only grow)"),
		miniops: p.long("New minimum number of IOPS (ignored)"),
		maxiops: p.long("New maximum number of IOPS (ignored)"),
		automigrate: p.boolean("ignored: volumes stay on their pool"),
	},
	responseFields: VOLUME_FIELDS,
	related: ["listVolumes"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const volume = await requireVolume(db, caller, params.id);
		requireVolumeState(volume, ["Allocated", "Ready"], "resized");
		let sizeBytes: number;
		let diskOfferingId: string | undefined;
		if (params.diskofferingid) {
			const offering = await requireDiskOffering(db, params.diskofferingid);
			sizeBytes = volumeBytes(offering, params.size);
			diskOfferingId = offering.id;
		} else if (params.size !== undefined) {
			if (volume.type === "DATADISK" && volume.diskOfferingId) {
				const current = await requireDiskOffering(db, volume.diskOfferingId).catch(() => undefined);
				if (current && !current.customized) {
					throw new CsError(
						ERROR.paramError,
						`Volume ${volume.name} has the fixed-size disk offering ${current.name}: pass a customized diskofferingid to resize it`,
					);
				}
			}
			if (params.size < 1) throw new CsError(ERROR.paramError, "Invalid size: a volume has at least 1 GB");
			sizeBytes = params.size * GIB;
		} else {
			throw new CsError(ERROR.paramError, "Please specify the new size (GB) or a new disk offering");
		}
		if (sizeBytes < volume.sizeBytes) {
			throw new CsError(
				ERROR.paramError,
				`Shrinking volume ${volume.name} from ${volume.sizeBytes} to ${sizeBytes} bytes is not supported`,
			);
		}
		if (volume.vmId && (await hasVmSnapshots(db, volume.vmId))) {
			throw new CsError(ERROR.paramError, "Unable to resize a volume of a VM that has VM snapshots");
		}
		const jobid = await startJob(deps, caller, {
			kind: "volume.resize",
			zoneId: volume.zoneId,
			resource: volumeResource(volume),
			cmd: "org.apache.cloudstack.api.command.user.volume.ResizeVolumeCmd",
			instanceType: "Volume",
			instanceId: volume.id,
			payload: { volumeId: volume.id, sizeBytes, diskOfferingId },
		});
		return { type: "job", jobid };
	},
});
