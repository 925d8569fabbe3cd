/** @module The delivery log keeps `webhook.deliveries.limit` deliveries per webhook; open ones are never pruned. */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

function pruneStatement(webhookId: string, limit: number) {
	return sql`DELETE FROM webhook_deliveries
	            WHERE webhook_id = ${webhookId} AND state NOT IN ('Pending', 'Retrying')
	              AND rowid NOT IN (SELECT rowid FROM webhook_deliveries WHERE webhook_id = ${webhookId}
	                                 ORDER BY rowid DESC LIMIT ${limit})`;
}

export async function pruneDeliveries(db: Db, webhookId: string, limit: number): Promise<void> {
	await db.run(pruneStatement(webhookId, limit));
}
