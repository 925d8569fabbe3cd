/**
 * @module The delivery log keeps `webhook.deliveries.limit` deliveries per webhook; open ones are
 * never pruned. The attempts of a pruned delivery go with it, in the same batch (no orphans).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { webhookDeliveries, webhookDeliveryAttempts } from "../db/schema";

/** The ids of the webhook's final deliveries beyond the newest `limit`. */
function prunableIds(webhookId: string, limit: number) {
	return sql`SELECT id FROM webhook_deliveries
	            WHERE webhook_id = ${webhookId} AND state NOT IN ('Pending', 'Retrying')
	              AND rowid NOT IN (SELECT rowid FROM webhook_deliveries WHERE webhook_id = ${webhookId}
	                                 ORDER BY rowid DESC LIMIT ${limit})`;
}

export async function pruneDeliveries(db: Db, webhookId: string, limit: number): Promise<void> {
	// Attempts first, while the deliveries they belong to can still be found.
	await db.batch([
		db
			.delete(webhookDeliveryAttempts)
			.where(sql`${webhookDeliveryAttempts.deliveryId} IN (${prunableIds(webhookId, limit)})`),
		db.delete(webhookDeliveries).where(sql`${webhookDeliveries.id} IN (${prunableIds(webhookId, limit)})`),
	]);
}
