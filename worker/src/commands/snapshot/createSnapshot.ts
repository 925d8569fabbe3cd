import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { SNAPSHOT_FIELDS } from "../../api/serializers/snapshot";
import { snapshots, vmInstances } from "../../db/schema";
import { startJob } from "../../jobs/start";
import { newUuid } from "../../lib/ids";
import { requireVolume } from "../../volumes/access";
import { volumeResource } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVolumeState } from "../volume/volume-rules";
import { defaultSnapshotName } from "./snapshot-names";

export const createSnapshot = defineCommand({
	name: "createSnapshot",
	description:
		"Creates a snapshot of a volume, kept on the zone's secondary storage (a crash-consistent copy when its instance runs)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.snapshot.CreateSnapshotCmd", instanceType: "Snapshot" },
	params: {
		volumeid: p.uuid("The ID of the disk volume", { required: true, related: "listVolumes" }),
		name: p.string("the name of the snapshot"),
		policyid: p.uuid("not supported: snapshot policies are not built"),
		quiescevm: p.boolean("quiesce vm if true (not supported: copies are crash-consistent)"),
		locationtype: p.string("Currently applicable only for managed storage; snapshots are always on secondary storage"),
		asyncbackup: p.boolean("asynchronous backup if true (the job always waits for the backup)"),
		tags: p.map("Map of tags (key/value pairs) (not applied)"),
		zoneids: p.list("not supported: snapshots stay in the volume's zone"),
		account: p.string("The account of the snapshot (its volume's owner)"),
		domainid: p.uuid("The domain ID of the snapshot (its volume's owner)"),
	},
	responseFields: SNAPSHOT_FIELDS,
	related: ["listSnapshots", "revertSnapshot", "deleteSnapshot"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		if (params.policyid) throw new CsError(ERROR.paramError, "Snapshot policies are not supported");
		if (params.zoneids && params.zoneids.length > 0) {
			throw new CsError(ERROR.paramError, "Copying snapshots to other zones is not supported");
		}
		const volume = await requireVolume(db, caller, params.volumeid, "volumeid");
		requireVolumeState(volume, ["Ready"], "snapshotted");
		const vm = volume.vmId
			? await db
					.select({ instanceName: vmInstances.instanceName })
					.from(vmInstances)
					.where(eq(vmInstances.id, volume.vmId))
					.get()
			: undefined;
		const now = deps.clock.now();
		const id = newUuid();
		const name = params.name?.trim() || defaultSnapshotName(vm?.instanceName, volume.name, now);
		await db.insert(snapshots).values({
			id,
			name,
			volumeId: volume.id,
			accountId: volume.accountId,
			domainId: volume.domainId,
			zoneId: volume.zoneId,
			state: "Creating",
			sizeBytes: volume.sizeBytes,
			intervalType: "MANUAL",
			created: now,
		});
		const jobid = await startJob(deps, caller, {
			kind: "snapshot.create",
			zoneId: volume.zoneId,
			resource: volumeResource(volume),
			cmd: "org.apache.cloudstack.api.command.user.snapshot.CreateSnapshotCmd",
			instanceType: "Snapshot",
			instanceId: id,
			payload: { snapshotId: id },
		});
		return { type: "job", jobid, id };
	},
});
