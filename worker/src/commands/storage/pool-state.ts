/** @module The maintenance transitions of a storage pool, shared by the two maintenance commands. */
import { and, eq } from "drizzle-orm";
import type { StoragePoolRow } from "../../api/serializers/storage-pool";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { storagePools } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { poolResponse } from "./pool-views";

/**
 * Moves the pool to `state` and records the event in one batch; the update is guarded on the
 * state the pool was read in, so a concurrent state change is never overwritten. Answers the
 * pool's response.
 */
export async function setPoolState(
	db: Db,
	now: number,
	caller: Caller,
	pool: StoragePoolRow,
	state: string,
	event: { type: string; description: string },
): Promise<Record<string, unknown>> {
	await db.batch([
		db
			.update(storagePools)
			.set({ state })
			.where(and(eq(storagePools.id, pool.id), eq(storagePools.state, pool.state))),
		eventInsert(db, now, caller, {
			...event,
			resourceType: "StoragePool",
			resourceId: pool.id,
			resourceName: pool.name,
		}),
	]);
	return poolResponse(db, pool.id);
}
