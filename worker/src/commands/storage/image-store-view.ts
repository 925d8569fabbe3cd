/** @module Image stores as responses: a page read with the zone name joined (Promise.all, not db.batch). */
import { asc, count, eq, type SQL } from "drizzle-orm";
import { serializeImageStore } from "../../api/serializers/image-store";
import type { Db } from "../../db/client";
import { imageStores, zones } from "../../db/schema";

export async function imageStorePage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ items: Record<string, unknown>[]; count: number }> {
	const [rows, [total]] = await Promise.all([
		db
			.select({ store: imageStores, zoneName: zones.name })
			.from(imageStores)
			.leftJoin(zones, eq(zones.id, imageStores.zoneId))
			.where(where)
			.orderBy(asc(imageStores.created), asc(imageStores.id))
			.limit(window.limit)
			.offset(window.offset),
		db.select({ n: count() }).from(imageStores).where(where),
	]);
	return { items: rows.map((r) => serializeImageStore(r.store, r.zoneName)), count: total?.n ?? 0 };
}
