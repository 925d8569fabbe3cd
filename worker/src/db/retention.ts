/**
 * @module Retention (CloudStack's event and alert purge tasks), run by the cron trigger: events
 * older than `event.purge.delay` days and alerts last raised more than `alert.purge.delay` days
 * ago are deleted; 0 keeps them forever. As in CloudStack, archived events are kept (archiving
 * hides an event from listEvents; it is not a deletion). Deletes go in bounded rounds so one run
 * never holds D1 long; a backlog is finished by the following runs.
 */
import { and, eq, inArray, lt } from "drizzle-orm";
import type { Settings } from "../domain/settings";
import type { Db } from "./client";
import { alerts, events } from "./schema";

const DAY_MS = 86_400_000;
/** Rows deleted per statement, and statements per table per run. */
const ROUND = 1000;
const MAX_ROUNDS = 20;

export interface PruneResult {
	events: number;
	alerts: number;
}

async function pruneEventsBefore(db: Db, cutoff: number): Promise<number> {
	let total = 0;
	for (let round = 0; round < MAX_ROUNDS; round += 1) {
		const batch = db
			.select({ id: events.id })
			.from(events)
			.where(and(lt(events.created, cutoff), eq(events.archived, false)))
			.limit(ROUND);
		const result = await db.delete(events).where(inArray(events.id, batch));
		const changes = result.meta.changes ?? 0;
		total += changes;
		if (changes < ROUND) break;
	}
	return total;
}

async function pruneAlertsBefore(db: Db, cutoff: number): Promise<number> {
	let total = 0;
	for (let round = 0; round < MAX_ROUNDS; round += 1) {
		const batch = db.select({ id: alerts.id }).from(alerts).where(lt(alerts.lastSent, cutoff)).limit(ROUND);
		const result = await db.delete(alerts).where(inArray(alerts.id, batch));
		const changes = result.meta.changes ?? 0;
		total += changes;
		if (changes < ROUND) break;
	}
	return total;
}

/** Deletes expired events and alerts; returns how many of each went. */
export async function pruneEvents(db: Db, now: number, settings: Settings): Promise<PruneResult> {
	const eventDays = settings.int("event.purge.delay");
	const alertDays = settings.int("alert.purge.delay");
	return {
		events: eventDays > 0 ? await pruneEventsBefore(db, now - eventDays * DAY_MS) : 0,
		alerts: alertDays > 0 ? await pruneAlertsBefore(db, now - alertDays * DAY_MS) : 0,
	};
}
