/**
 * @module Keeping image store and pool capacity current: `store.stat` in the background for each
 * store of a zone; the ZoneRelay writes the answer to image_stores / storage_pools (listCapacity
 * reads those). Run on the agent's hello, every minute while it is connected, after a download,
 * copy or cleanup, and after addImageStore / createStoragePool.
 */
import { eq } from "drizzle-orm";
import { imageStores, storagePools } from "../db/schema";
import { logWarn } from "../lib/log";
import type { TemplateDeps } from "./deps";
import { storeLocationOfImageStore, storeLocationOfPool } from "./locations";

/** A stat answers fast or the store is unreachable. */
export const USAGE_TIMEOUT_MS = 60_000;
/** How long addImageStore / createStoragePool wait for the first stat before answering without it. */
const FIRST_STAT_TIMEOUT_MS = 15_000;

export type Target =
	| { target: "imageStore"; row: typeof imageStores.$inferSelect }
	| { target: "pool"; row: typeof storagePools.$inferSelect };

/** Starts one store's `store.stat`; false when the zone has no relay (nothing to refresh then). */
export async function refreshStoreUsage(
	deps: Pick<TemplateDeps, "relay">,
	zoneId: string,
	store: Target,
): Promise<boolean> {
	const location =
		store.target === "imageStore" ? storeLocationOfImageStore(store.row) : storeLocationOfPool(store.row);
	const started = await deps.relay.start(
		zoneId,
		"store.stat",
		{ store: location },
		{ timeoutMs: USAGE_TIMEOUT_MS, context: { kind: "usage", target: store.target, id: store.row.id } },
	);
	return started.ok;
}

/** Starts `store.stat` for every image store and pool of the zone. */
export async function refreshZoneUsage(deps: Pick<TemplateDeps, "db" | "relay">, zoneId: string): Promise<void> {
	const stores = await deps.db.select().from(imageStores).where(eq(imageStores.zoneId, zoneId));
	for (const row of stores) {
		if (!(await refreshStoreUsage(deps, zoneId, { target: "imageStore", row }))) return;
	}
	const pools = await deps.db.select().from(storagePools).where(eq(storagePools.zoneId, zoneId));
	for (const row of pools) {
		if (!(await refreshStoreUsage(deps, zoneId, { target: "pool", row }))) return;
	}
}

/**
 * After addImageStore / createStoragePool: the store's first stat, awaited (up to
 * FIRST_STAT_TIMEOUT_MS) so the answer shows its real capacity. Never fails the command: with no
 * relay or an unreachable store the row keeps its values until the next refresh.
 */
export async function statNewStore(
	deps: Pick<TemplateDeps, "db" | "relay">,
	zoneId: string,
	store: Target,
): Promise<void> {
	const location =
		store.target === "imageStore" ? storeLocationOfImageStore(store.row) : storeLocationOfPool(store.row);
	const outcome = await deps.relay.call(zoneId, "store.stat", { store: location }, FIRST_STAT_TIMEOUT_MS);
	if (!outcome.ok) {
		if (outcome.code !== "no_relay")
			logWarn(`relay:${zoneId}`, "first stat of a new store failed", { text: outcome.text });
		return;
	}
	const set = { capacityBytes: outcome.result.capacityBytes, usedBytes: outcome.result.usedBytes };
	if (store.target === "imageStore") await deps.db.update(imageStores).set(set).where(eq(imageStores.id, store.row.id));
	else await deps.db.update(storagePools).set(set).where(eq(storagePools.id, store.row.id));
}
