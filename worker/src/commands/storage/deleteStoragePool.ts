import { eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { describeBlockers, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { storagePools } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { poolVolumeNames, requirePool } from "./pool-views";

export const deleteStoragePool = defineCommand({
	name: "deleteStoragePool",
	description: "Deletes a storage pool; refused while volumes are stored on it",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("Storage pool id", { required: true, related: "listStoragePools" }),
		forced: p.boolean(
			"Force destroy storage pool (force expunge volumes in Destroyed state as a part of pool removal); live volumes still block the delete",
		),
	},
	responseFields: { success: ["boolean", "true if operation is executed successfully"] },
	async handle({ params, deps, caller }) {
		const pool = await requirePool(deps.db, params.id);
		// CloudStack refuses while non-destroyed volumes remain; `forced` only expunges destroyed ones,
		// and there are none to expunge until volumes exist.
		const volumes = await poolVolumeNames(deps.db, pool.id);
		if (volumes.length > 0) {
			throw resourceInUse(
				`Cannot delete storage pool ${pool.name}: it still holds ${describeBlockers("volume", volumes)}; delete or migrate them first`,
			);
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(storagePools).where(eq(storagePools.id, pool.id)),
			deleteTagsOf(deps.db, "Storage", pool.id),
			eventInsert(deps.db, now, caller, {
				type: "STORAGE.POOL.DELETE",
				description: `Deleted storage pool ${pool.name} (${pool.url})`,
				resourceType: "StoragePool",
				resourceId: pool.id,
				resourceName: pool.name,
			}),
		]);
		return { type: "success" };
	},
});
