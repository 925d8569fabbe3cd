/**
 * @module The primary storage capacity check (CloudStack's AlertManager capacity checker, per
 * pool): a pool whose used bytes exceed `cluster.storage.capacity.notificationthreshold` of its
 * capacity raises ALERT.STORAGE (2); one whose allocated bytes exceed
 * `cluster.storage.allocated.capacity.notificationthreshold` raises ALERT.STORAGE.ALLOCATED (3).
 * Run by the cron trigger; raiseAlerts' de-duplication keeps it to one alert per pool and kind
 * while the condition lasts. Pools with no known capacity are skipped.
 */
import { and, eq, gt, or, sql } from "drizzle-orm";
import { ALERT_TYPE } from "../domain/alert-types";
import type { Settings } from "../domain/settings";
import { type AlertInput, raiseAlerts } from "./alerts";
import type { Db } from "./client";
import { storagePools, zones } from "./schema";

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
	return String(Math.round(bytes / MB));
}

/** CloudStack's `###.##` percentage. */
function percent(part: number, whole: number): string {
	return String(Math.round((part / whole) * 10_000) / 100);
}

export interface StorageAlertCandidate {
	id: string;
	name: string;
	zoneId: string;
	zoneName: string | null;
	podId: string | null;
	clusterId: string | null;
	capacityBytes: number;
	usedBytes: number;
	allocatedBytes: number;
}

/** The alerts one pool calls for (pure; exported for unit tests). */
export function storageAlertsFor(pool: StorageAlertCandidate, usedLimit: number, allocatedLimit: number): AlertInput[] {
	if (pool.capacityBytes <= 0) return [];
	const place = { zoneId: pool.zoneId, podId: pool.podId, clusterId: pool.clusterId };
	const where = `pool [${pool.name}] of availability zone [${pool.zoneName ?? pool.zoneId}]`;
	const total = megabytes(pool.capacityBytes);
	const out: AlertInput[] = [];
	if (pool.usedBytes / pool.capacityBytes > usedLimit) {
		out.push({
			type: ALERT_TYPE.STORAGE,
			subject: `System Alert: Low Available Storage in ${where}`,
			description: `Available storage space is low, total: ${total} MB, used: ${megabytes(pool.usedBytes)} MB (${percent(pool.usedBytes, pool.capacityBytes)}%)`,
			...place,
		});
	}
	if (pool.allocatedBytes / pool.capacityBytes > allocatedLimit) {
		out.push({
			type: ALERT_TYPE.STORAGE_ALLOCATED,
			subject: `System Alert: Remaining unallocated Storage is low in ${where}`,
			description: `Unallocated storage space is low, total: ${total} MB, allocated: ${megabytes(pool.allocatedBytes)} MB (${percent(pool.allocatedBytes, pool.capacityBytes)}%)`,
			...place,
		});
	}
	return out;
}

/** Checks every pool and raises the capacity alerts due; returns how many alerts were raised or refreshed. */
export async function checkStorageCapacity(db: Db, now: number, settings: Settings): Promise<number> {
	const usedLimit = settings.decimal("cluster.storage.capacity.notificationthreshold");
	const allocatedLimit = settings.decimal("cluster.storage.allocated.capacity.notificationthreshold");
	// Only the pools over a threshold leave D1 (real floating-point comparison on the SQL side).
	const pools = await db
		.select({
			id: storagePools.id,
			name: storagePools.name,
			zoneId: storagePools.zoneId,
			zoneName: zones.name,
			podId: storagePools.podId,
			clusterId: storagePools.clusterId,
			capacityBytes: storagePools.capacityBytes,
			usedBytes: storagePools.usedBytes,
			allocatedBytes: storagePools.allocatedBytes,
		})
		.from(storagePools)
		.leftJoin(zones, eq(zones.id, storagePools.zoneId))
		.where(
			and(
				gt(storagePools.capacityBytes, 0),
				or(
					sql`${storagePools.usedBytes} > ${storagePools.capacityBytes} * ${usedLimit}`,
					sql`${storagePools.allocatedBytes} > ${storagePools.capacityBytes} * ${allocatedLimit}`,
				),
			),
		);
	const due = pools.flatMap((pool) => storageAlertsFor(pool, usedLimit, allocatedLimit));
	await raiseAlerts(db, now, due);
	return due.length;
}
