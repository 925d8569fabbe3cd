/**
 * @module Storage pools as responses, and the lookups the pool commands share. A page is read with
 * its zone/pod/cluster names joined in the same query and its total counted concurrently (not a
 * `db.batch`: drizzle shifts joined columns that share a name inside batches, drizzle-orm#6038).
 */
import { and, asc, count, eq, inArray, isNull, ne, type SQL, sql } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { type StoragePoolRow, serializeStoragePool } from "../../api/serializers/storage-pool";
import type { Db } from "../../db/client";
import { clusters, pods, storagePools, volumes, zones } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { poolFactorSql } from "../../vms/capacity";

export interface Window {
	limit: number;
	offset: number;
}

/** Pools matching `where` (conditions on storage_pools only), oldest first, as responses. */
export async function poolPage(
	db: Db,
	where: SQL | undefined,
	window: Window,
): Promise<{ items: Record<string, unknown>[]; count: number }> {
	const order = [asc(storagePools.created), asc(storagePools.id)];
	// The page's ids first, then the names joined onto those rows only: joining before the LIMIT
	// would sort every matching wide row (slow with a tag filter over 20,000 pools).
	const pageIds = db
		.select({ id: storagePools.id })
		.from(storagePools)
		.where(where)
		.orderBy(...order)
		.limit(window.limit)
		.offset(window.offset);
	const [rows, [total]] = await Promise.all([
		db
			.select({
				pool: storagePools,
				zoneName: zones.name,
				podName: pods.name,
				clusterName: clusters.name,
				overprovisionFactor: sql<number>`${poolFactorSql()}`,
			})
			.from(storagePools)
			.leftJoin(zones, eq(zones.id, storagePools.zoneId))
			.leftJoin(pods, eq(pods.id, storagePools.podId))
			.leftJoin(clusters, eq(clusters.id, storagePools.clusterId))
			.where(inArray(storagePools.id, pageIds))
			.orderBy(...order),
		db.select({ n: count() }).from(storagePools).where(where),
	]);
	return {
		items: rows.map((r) => serializeStoragePool(r.pool, r)),
		count: total?.n ?? 0,
	};
}

/** One pool as its response (after a create, update or state change). */
export async function poolResponse(db: Db, id: string): Promise<Record<string, unknown>> {
	const { items } = await poolPage(db, eq(storagePools.id, id), { limit: 1, offset: 0 });
	const [item] = items;
	if (!item) throw new Error(`storage pool ${id} vanished`);
	return item;
}

/** The pool, or CloudStack's 431 for an id that names none. */
export async function requirePool(db: Db, id: string, param = "id"): Promise<StoragePoolRow> {
	const row = await db.select().from(storagePools).where(eq(storagePools.id, id)).get();
	if (!row) throw invalidParam(param, id);
	return row;
}

/** 431 when another pool of the zone already has this name (case-insensitive). */
export async function refuseDuplicateName(db: Db, zoneId: string, name: string, exceptId?: string): Promise<void> {
	const clash = await db
		.select({ id: storagePools.id })
		.from(storagePools)
		.where(
			and(
				eq(storagePools.zoneId, zoneId),
				eqNoCase(storagePools.name, name),
				exceptId ? ne(storagePools.id, exceptId) : undefined,
			),
		)
		.get();
	if (clash) {
		throw new CsError(ERROR.paramError, `A storage pool with name ${name} already exists in zone ${zoneId}`);
	}
}

/** 431 when another pool of the zone already points at the same server and path. */
export async function refuseDuplicateLocation(
	db: Db,
	zoneId: string,
	location: { host: string; path: string; url: string },
	exceptId?: string,
): Promise<void> {
	const clash = await db
		.select({ id: storagePools.id, name: storagePools.name })
		.from(storagePools)
		.where(
			and(
				eq(storagePools.zoneId, zoneId),
				eq(storagePools.host, location.host),
				eq(storagePools.path, location.path),
				exceptId ? ne(storagePools.id, exceptId) : undefined,
			),
		)
		.get();
	if (clash) {
		throw new CsError(
			ERROR.paramError,
			`Storage pool ${location.url} already exists in zone ${zoneId} as pool ${clash.name} (${clash.id})`,
		);
	}
}

/** The names of the volumes (not expunged) stored on the pool, which block its deletion (536). */
export async function poolVolumeNames(db: Db, poolId: string): Promise<string[]> {
	const rows = await db
		.select({ name: volumes.name })
		.from(volumes)
		.where(and(eq(volumes.poolId, poolId), isNull(volumes.removed)))
		.limit(20);
	return rows.map((r) => r.name);
}
