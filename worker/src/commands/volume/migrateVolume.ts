import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VOLUME_FIELDS } from "../../api/serializers/volume";
import { storagePools, vmInstances } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { requireVolume } from "../../volumes/access";
import { hasVmSnapshots, volumeResource } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVolumeState } from "./volume-rules";

export const migrateVolume = defineCommand({
	name: "migrateVolume",
	description:
		"Migrates a volume to another primary storage pool of its cluster (or a zone-wide pool): the volume must be detached or its instance Stopped",
	since: "3.0.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.volume.MigrateVolumeCmd", instanceType: "Volume" },
	params: {
		volumeid: p.uuid("the ID of the volume", { required: true, related: "listVolumes" }),
		storageid: p.uuid("destination storage pool ID to migrate the volume to", {
			required: true,
			related: "listStoragePools",
		}),
		livemigrate: p.boolean("not supported: the instance must be stopped"),
		newdiskofferingid: p.uuid("not supported: the volume keeps its disk offering"),
	},
	responseFields: VOLUME_FIELDS,
	related: ["listVolumes"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const volume = await requireVolume(db, caller, params.volumeid, "volumeid");
		requireVolumeState(volume, ["Ready"], "migrated");
		if (params.newdiskofferingid) {
			throw new CsError(ERROR.paramError, "Changing the disk offering while migrating is not supported");
		}
		const target = await db.select().from(storagePools).where(eq(storagePools.id, params.storageid)).get();
		if (!target || target.zoneId !== volume.zoneId) {
			throw new CsError(ERROR.paramError, `Unable to find storage pool ${params.storageid} in the volume's zone`);
		}
		if (target.id === volume.poolId) {
			throw new CsError(ERROR.paramError, `Volume ${volume.name} is already on storage pool ${target.name}`);
		}
		if (target.state !== "Up") {
			throw new CsError(
				ERROR.paramError,
				`Storage pool ${target.name} is ${target.state}: volumes move to Up pools only`,
			);
		}
		if (volume.vmId) {
			const vm = await db.select().from(vmInstances).where(eq(vmInstances.id, volume.vmId)).get();
			if (vm && vm.state !== "Stopped") {
				throw new CsError(
					ERROR.paramError,
					`Volume ${volume.name} is attached to ${vm.name}, which is ${vm.state}: stop it first (live volume migration is not supported)`,
				);
			}
			if (vm && target.scope !== "ZONE" && vm.clusterId && target.clusterId !== vm.clusterId) {
				throw new CsError(
					ERROR.paramError,
					`Storage pool ${target.name} is not in the cluster of virtual machine ${vm.name}`,
				);
			}
			if (await hasVmSnapshots(db, volume.vmId)) {
				throw new CsError(ERROR.paramError, "Unable to migrate a volume of a VM that has VM snapshots");
			}
		}
		const jobid = await startJob(deps, caller, {
			kind: "volume.migrate",
			zoneId: volume.zoneId,
			resource: volumeResource(volume),
			cmd: "org.apache.cloudstack.api.command.user.volume.MigrateVolumeCmd",
			instanceType: "Volume",
			instanceId: volume.id,
			payload: { volumeId: volume.id, poolId: target.id },
		});
		return { type: "job", jobid };
	},
});
