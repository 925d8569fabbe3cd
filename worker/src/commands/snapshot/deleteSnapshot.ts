import { CsError, ERROR } from "../../api/errors";
import { startJob } from "../../jobs/start";
import { requireSnapshot } from "../../volumes/access";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteSnapshot = defineCommand({
	name: "deleteSnapshot",
	description: "Deletes a snapshot of a disk volume: its file on secondary storage is removed",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.snapshot.DeleteSnapshotCmd", instanceType: "Snapshot" },
	params: {
		id: p.uuid("The ID of the snapshot", { required: true, related: "listSnapshots" }),
		zoneid: p.uuid("The ID of the zone for the snapshot (snapshots are in one zone)", { related: "listZones" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createSnapshot", "listSnapshots"],
	async handle({ params, deps, caller }) {
		const snapshot = await requireSnapshot(deps.db, caller, params.id);
		if (params.zoneid && params.zoneid !== snapshot.zoneId) {
			throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} is not in zone ${params.zoneid}`);
		}
		if (snapshot.state !== "BackedUp" && snapshot.state !== "Error") {
			throw new CsError(ERROR.paramError, `Snapshot ${snapshot.name} is ${snapshot.state}: it cannot be deleted now`);
		}
		const jobid = await startJob(deps, caller, {
			kind: "snapshot.delete",
			zoneId: snapshot.zoneId,
			resource: `snapshot:${snapshot.id}`,
			cmd: "org.apache.cloudstack.api.command.user.snapshot.DeleteSnapshotCmd",
			instanceType: "Snapshot",
			instanceId: snapshot.id,
			payload: { snapshotId: snapshot.id },
		});
		return { type: "job", jobid };
	},
});
