import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { SNAPSHOT_FIELDS } from "../../api/serializers/snapshot";
import { vmInstances, volumes } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { requireSnapshot } from "../../volumes/access";
import { volumeResource } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVolumeState } from "../volume/volume-rules";

export const revertSnapshot = defineCommand({
	name: "revertSnapshot",
	description:
		"Reverts a volume to a snapshot: the snapshot is copied back from secondary storage over the volume, whose instance must be Stopped",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.snapshot.RevertSnapshotCmd", instanceType: "Snapshot" },
	params: {
		id: p.uuid("The ID of the snapshot", { required: true, related: "listSnapshots" }),
	},
	responseFields: SNAPSHOT_FIELDS,
	related: ["createSnapshot", "listSnapshots"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const snapshot = await requireSnapshot(db, caller, params.id);
		if (snapshot.state !== "BackedUp") {
			throw new CsError(
				ERROR.paramError,
				`Snapshot ${snapshot.name} is ${snapshot.state}: only BackedUp snapshots can be reverted to`,
			);
		}
		const volume = await db
			.select()
			.from(volumes)
			.where(and(eq(volumes.id, snapshot.volumeId), isNull(volumes.removed)))
			.get();
		if (!volume) throw new CsError(ERROR.paramError, `The volume of snapshot ${snapshot.name} no longer exists`);
		requireVolumeState(volume, ["Ready"], "reverted");
		if (volume.vmId) {
			const vm = await db.select().from(vmInstances).where(eq(vmInstances.id, volume.vmId)).get();
			if (vm && vm.state !== "Stopped") {
				throw new CsError(
					ERROR.paramError,
					`Virtual machine ${vm.name} is ${vm.state}: stop it before reverting its volume ${volume.name}`,
				);
			}
		}
		const jobid = await startJob(deps, caller, {
			kind: "snapshot.revert",
			zoneId: snapshot.zoneId,
			resource: volumeResource(volume),
			cmd: "org.apache.cloudstack.api.command.user.snapshot.RevertSnapshotCmd",
			instanceType: "Snapshot",
			instanceId: snapshot.id,
			payload: { snapshotId: snapshot.id },
		});
		return { type: "job", jobid };
	},
});
