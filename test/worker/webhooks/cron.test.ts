/**
 * The every-minute cron runs every sweep: webhook publishing (engine.test.ts covers it), the
 * primary-storage capacity alerts and the event/alert retention. Rows go straight into D1.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { alerts, events, storagePools, zones } from "../../../worker/src/db/schema";
import worker from "../../../worker/src/index";

const db = createDb(env.DB);
const DAY = 86_400_000;

/** A queue that drops what it is sent: no webhook exists in this file, nothing is delivered. */
const queue = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;

async function runCron(): Promise<void> {
	const ctx = createExecutionContext();
	await worker.scheduled(
		{ scheduledTime: Date.now(), cron: "* * * * *", noRetry() {} } as ScheduledController,
		{ ...env, WEBHOOK_DELIVERIES: queue },
		ctx,
	);
	await waitOnExecutionContext(ctx);
}

describe("the cron", () => {
	it("raises a storage alert for a full pool and prunes events past event.purge.delay", async () => {
		const zoneId = crypto.randomUUID();
		await db.insert(zones).values({
			id: zoneId,
			name: "cron-zone",
			networkType: "Advanced",
			dns1: "8.8.8.8",
			internalDns1: "10.0.0.2",
			created: Date.now(),
		});
		const poolId = crypto.randomUUID();
		await db.insert(storagePools).values({
			id: poolId,
			name: "full-pool",
			zoneId,
			scope: "ZONE",
			type: "NetworkFilesystem",
			host: "10.1.1.1",
			path: "/export/full",
			url: "nfs://10.1.1.1/export/full",
			capacityBytes: 100,
			usedBytes: 90,
			created: Date.now(),
		});
		const old = { type: "DOMAIN.CREATE", state: "Completed", level: "INFO", description: "old" };
		const oldId = crypto.randomUUID();
		const recentId = crypto.randomUUID();
		await db.insert(events).values([
			{ ...old, id: oldId, created: Date.now() - 16 * DAY },
			{ ...old, id: recentId, description: "recent", created: Date.now() - DAY },
		]);

		await runCron();

		const raised = await db.select().from(alerts).where(eq(alerts.type, 2));
		expect(raised).toHaveLength(1);
		expect(raised[0]?.subject).toContain("full-pool");
		expect(await db.select().from(events).where(eq(events.id, oldId))).toEqual([]);
		expect(await db.select().from(events).where(eq(events.id, recentId))).toHaveLength(1);
	});
});
