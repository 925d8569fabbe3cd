/**
 * @module Removing a template's files: its directory on the zone's secondary storage and its copies
 * on the zone's pools, as background `store.remove` cleanups (the ZoneRelay keeps them until the
 * agent is there, up to CLEANUP_TIMEOUT_MS), then its rows.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { imageStores, storagePools, templatePools, templateStores, templates } from "../db/schema";
import { logWarn } from "../lib/log";
import type { TemplateDeps } from "./deps";
import { storeLocationOfImageStore, storeLocationOfPool, templateDirectory } from "./locations";

/** A cleanup waits up to a day for an agent that is away. */
export const CLEANUP_TIMEOUT_MS = 24 * 3600_000;

async function poolCopies(db: Db, templateId: string, zoneId?: string) {
	const where = zoneId
		? and(eq(templatePools.templateId, templateId), eq(storagePools.zoneId, zoneId))
		: eq(templatePools.templateId, templateId);
	return db
		.select({ path: templatePools.path, pool: storagePools })
		.from(templatePools)
		.innerJoin(storagePools, eq(storagePools.id, templatePools.poolId))
		.where(where);
}

/**
 * Removes the template's files in `zoneId` (every zone when absent) and deletes its
 * template_stores / template_pools rows there. The rows go at once: the files follow as soon as
 * the zone's agent runs the cleanups (a late download answer for a deleted row is cleaned up too).
 */
export async function removeTemplateCopies(deps: TemplateDeps, templateId: string, zoneId?: string): Promise<void> {
	const { db } = deps;
	const template = await db
		.select({ accountId: templates.accountId })
		.from(templates)
		.where(eq(templates.id, templateId))
		.get();
	if (!template) return;
	const secondary = await db
		.select({ zoneId: templateStores.zoneId, store: imageStores })
		.from(templateStores)
		.innerJoin(imageStores, eq(imageStores.id, templateStores.imageStoreId))
		.where(
			zoneId
				? and(eq(templateStores.templateId, templateId), eq(templateStores.zoneId, zoneId))
				: eq(templateStores.templateId, templateId),
		);
	const pools = await poolCopies(db, templateId, zoneId);

	const cleanups = [
		...secondary.map(({ zoneId: zone, store }) => ({
			zoneId: zone,
			store: storeLocationOfImageStore(store),
			path: templateDirectory(template.accountId, templateId),
		})),
		...pools.map(({ path, pool }) => ({ zoneId: pool.zoneId, store: storeLocationOfPool(pool), path })),
	];
	for (const cleanup of cleanups) {
		const started = await deps.relay.start(
			cleanup.zoneId,
			"store.remove",
			{ store: cleanup.store, path: cleanup.path },
			{ timeoutMs: CLEANUP_TIMEOUT_MS, context: { kind: "cleanup" } },
		);
		if (!started.ok)
			logWarn(`relay:${cleanup.zoneId}`, "template cleanup not started", { templateId, text: started.text });
	}

	const zonePools = zoneId
		? db.select({ id: storagePools.id }).from(storagePools).where(eq(storagePools.zoneId, zoneId))
		: null;
	await db.batch([
		db
			.delete(templateStores)
			.where(
				zoneId
					? and(eq(templateStores.templateId, templateId), eq(templateStores.zoneId, zoneId))
					: eq(templateStores.templateId, templateId),
			),
		db
			.delete(templatePools)
			.where(
				zonePools
					? and(eq(templatePools.templateId, templateId), inArray(templatePools.poolId, zonePools))
					: eq(templatePools.templateId, templateId),
			),
	]);
}
