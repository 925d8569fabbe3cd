import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { volumes } from "../../db/schema";
import { storeLocationOfPool } from "../../templates/locations";
import { releasePool } from "../../vms/capacity";
import { requireVolume } from "../../volumes/access";
import { cleanupLater, loadPool } from "../../volumes/site";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVolumeState } from "./volume-rules";

export const deleteVolume = defineCommand({
	name: "deleteVolume",
	description:
		"Deletes a detached disk volume: its row is expunged at once, its pool gets the bytes back and the zone's relay agent removes the file",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the disk volume", { required: true, related: "listVolumes" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createVolume", "listVolumes"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const volume = await requireVolume(db, caller, params.id);
		if (volume.vmId) {
			throw new CsError(ERROR.paramError, "Please specify a volume that is not attached to any VM.");
		}
		requireVolumeState(volume, ["Allocated", "Ready", "Error"], "deleted");
		const now = deps.clock.now();
		const [gone] = await db
			.update(volumes)
			.set({ state: "Expunged", removed: now })
			.where(
				and(eq(volumes.id, volume.id), eq(volumes.state, volume.state), isNull(volumes.vmId), isNull(volumes.removed)),
			)
			.returning({ id: volumes.id });
		if (!gone) throw new CsError(ERROR.paramError, `Volume ${volume.name} changed meanwhile; try again`);
		await eventInsert(db, now, caller, {
			type: "VOLUME.DELETE",
			description: `Deleted volume ${volume.name}`,
			resourceType: "Volume",
			resourceId: volume.id,
			resourceName: volume.name,
			owner: { accountId: volume.accountId, domainId: volume.domainId },
		});
		if (volume.poolId) {
			await releasePool(db, volume.poolId, volume.sizeBytes);
			const pool = await loadPool(db, volume.poolId);
			if (volume.path) await cleanupLater(deps, volume.zoneId, storeLocationOfPool(pool), volume.path);
		}
		return { type: "success" };
	},
});
