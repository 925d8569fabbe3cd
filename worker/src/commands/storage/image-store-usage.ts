/**
 * @module After an image store is added: its first stat (real capacity in the answer) and the
 * zone's downloads that waited for secondary storage. Neither may fail the command.
 */
import { eq } from "drizzle-orm";
import { imageStores } from "../../db/schema";
import { logError } from "../../lib/log";
import { startAllocatedDownloads } from "../../templates/downloads";
import { statNewStore } from "../../templates/usage";
import type { Deps } from "../types";

type ImageStoreRow = typeof imageStores.$inferSelect;

export async function afterImageStoreAdded(
	deps: Deps,
	row: ImageStoreRow,
): Promise<Pick<ImageStoreRow, "capacityBytes" | "usedBytes">> {
	const zoneId = row.zoneId;
	if (!zoneId) return row;
	try {
		await statNewStore(deps, zoneId, { target: "imageStore", row });
		await startAllocatedDownloads(deps, zoneId);
	} catch (error) {
		logError(`relay:${zoneId}`, "after adding an image store", error);
	}
	const fresh = await deps.db
		.select({ capacityBytes: imageStores.capacityBytes, usedBytes: imageStores.usedBytes })
		.from(imageStores)
		.where(eq(imageStores.id, row.id))
		.get();
	return fresh ?? row;
}
