/**
 * Retention (pruneEvents, run by the cron trigger): events older than `event.purge.delay` days are
 * deleted, archived ones kept; alerts last raised more than `alert.purge.delay` days ago are
 * deleted; 0 keeps everything. Rows with chosen ages are written straight into D1 and exactly the
 * expired ones must go.
 */
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { pruneEvents } from "../../../worker/src/db/retention";
import { alerts, events } from "../../../worker/src/db/schema";
import { settingsFrom } from "../../../worker/src/domain/settings";

const db = createDb(env.DB);
const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 15, 12, 0, 0);

function settings(values: Record<string, string> = {}) {
	return settingsFrom(new Map(Object.entries(values)));
}

function eventRow(created: number, archived = false) {
	return {
		id: crypto.randomUUID(),
		type: "TEST.RETENTION",
		state: "Completed",
		level: "INFO",
		description: "retention",
		accountId: crypto.randomUUID(),
		domainId: crypto.randomUUID(),
		archived,
		created,
	};
}

async function insertEvents(rows: ReturnType<typeof eventRow>[]): Promise<string[]> {
	// D1 binds at most 100 parameters per statement: 10 rows at a time.
	for (let i = 0; i < rows.length; i += 10) await db.insert(events).values(rows.slice(i, i + 10));
	return rows.map((r) => r.id);
}

async function insertAlert(created: number, lastSent = created, archived = false): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(alerts).values({
		id,
		type: 7,
		name: "ALERT.COMPUTE.HOST",
		subject: `retention ${id}`,
		description: "retention",
		archived,
		created,
		lastSent,
	});
	return id;
}

async function surviving(table: typeof events | typeof alerts, ids: string[]): Promise<Set<string>> {
	const rows = await db.select({ id: table.id }).from(table).where(inArray(table.id, ids));
	return new Set(rows.map((r) => r.id));
}

beforeEach(async () => {
	await db.delete(events).where(eq(events.type, "TEST.RETENTION"));
	await db.delete(alerts);
});

describe("pruneEvents: events", () => {
	it("deletes the events older than event.purge.delay (15 days by default), keeps the rest and archived ones", async () => {
		const [old, older, edge, young, archivedOld] = [
			eventRow(now - 16 * DAY),
			eventRow(now - 400 * DAY),
			eventRow(now - 15 * DAY),
			eventRow(now - 14 * DAY),
			eventRow(now - 30 * DAY, true),
		];
		const ids = await insertEvents([old, older, edge, young, archivedOld]);
		const result = await pruneEvents(db, now, settings());
		expect(result.events).toBe(2);
		expect(await surviving(events, ids)).toEqual(new Set([edge.id, young.id, archivedOld.id]));
	});

	it("follows the setting, and 0 keeps every event", async () => {
		const [a, b] = [eventRow(now - 3 * DAY), eventRow(now - 1 * DAY)];
		const ids = await insertEvents([a, b]);
		expect((await pruneEvents(db, now, settings({ "event.purge.delay": "0" }))).events).toBe(0);
		expect(await surviving(events, ids)).toEqual(new Set([a.id, b.id]));
		expect((await pruneEvents(db, now, settings({ "event.purge.delay": "2" }))).events).toBe(1);
		expect(await surviving(events, ids)).toEqual(new Set([b.id]));
	});

	it("deletes a large backlog in bounded rounds within one run", async () => {
		const rows = Array.from({ length: 2_345 }, (_, i) => eventRow(now - (20 + (i % 5)) * DAY));
		await insertEvents(rows);
		const keep = await insertEvents([eventRow(now)]);
		const result = await pruneEvents(db, now, settings());
		expect(result.events).toBe(2_345);
		const left = await db.select({ id: events.id }).from(events).where(eq(events.type, "TEST.RETENTION"));
		expect(left).toHaveLength(1);
		expect(await surviving(events, keep)).toEqual(new Set(keep));
	});
});

describe("pruneEvents: alerts", () => {
	it("keeps every alert with the default alert.purge.delay of 0", async () => {
		const id = await insertAlert(now - 900 * DAY);
		expect((await pruneEvents(db, now, settings())).alerts).toBe(0);
		expect(await surviving(alerts, [id])).toEqual(new Set([id]));
	});

	it("deletes alerts last raised before alert.purge.delay days, archived or not; a long-running alert still repeating stays", async () => {
		const old = await insertAlert(now - 4 * DAY);
		const oldArchived = await insertAlert(now - 10 * DAY, now - 10 * DAY, true);
		const young = await insertAlert(now - 2 * DAY);
		const stillRaised = await insertAlert(now - 10 * DAY, now - 1 * DAY);
		const result = await pruneEvents(db, now, settings({ "alert.purge.delay": "3" }));
		expect(result).toEqual({ events: 0, alerts: 2 });
		expect(await surviving(alerts, [old, oldArchived, young, stillRaised])).toEqual(new Set([young, stillRaised]));
	});
});
