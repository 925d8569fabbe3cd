/**
 * @module Raising alerts (CloudStack's AlertManager.sendAlert, minus the e-mail). A repeat of the
 * same type and subject within an hour of the last one refreshes that row's `last_sent` (and its
 * description) instead of adding a row, so a condition checked every minute yields one alert.
 * Archived alerts count as repeats too: archiving acknowledges an alert, and it comes back only
 * once the condition has been quiet for an hour.
 */

import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type AlertType, alertTypeById } from "../domain/alert-types";
import { newUuid } from "../lib/ids";
import type { Db } from "./client";
import { alerts } from "./schema";

/** Repeats within this window update the existing alert. */
export const ALERT_REPEAT_WINDOW_MS = 3_600_000;

export interface AlertInput {
	/** An ALERT_TYPE entry, or its number. */
	type: AlertType | number;
	/** CloudStack's subject: one line, shown by listAlerts as `description`. */
	subject: string;
	/** The longer body (CloudStack's content). */
	description: string;
	zoneId?: string | null;
	podId?: string | null;
	clusterId?: string | null;
}

function typeOf(input: AlertInput): AlertType {
	if (typeof input.type !== "number") return input.type;
	return alertTypeById(input.type) ?? { id: input.type, name: `ALERT.TYPE.${input.type}` };
}

/**
 * The two statements that raise one alert, for the caller's own `db.batch` (a batch runs as one
 * transaction): refresh a recent repeat, else insert a new row.
 */
export function alertStatements(db: Db, now: number, input: AlertInput): [BatchItem<"sqlite">, BatchItem<"sqlite">] {
	const type = typeOf(input);
	const since = now - ALERT_REPEAT_WINDOW_MS;
	const refresh = db
		.update(alerts)
		.set({ lastSent: now, description: input.description })
		.where(and(eq(alerts.type, type.id), eq(alerts.subject, input.subject), gt(alerts.lastSent, since)));
	// Every column, in the table's order (INSERT … SELECT names them all).
	const insert = db.insert(alerts).select(sql`
		SELECT ${newUuid()}, ${type.id}, ${type.name}, ${input.subject}, ${input.description},
			${input.zoneId ?? null}, ${input.podId ?? null}, ${input.clusterId ?? null}, 0, ${now}, ${now}
		WHERE NOT EXISTS (
			SELECT 1 FROM ${alerts} WHERE type = ${type.id} AND subject = ${input.subject} AND last_sent > ${since}
		)`);
	return [refresh, insert];
}

/** Raises one alert now. */
export async function raiseAlert(db: Db, now: number, input: AlertInput): Promise<void> {
	await db.batch(alertStatements(db, now, input));
}

const CHUNK = 50;

/**
 * Raises many alerts at once (the periodic checks): one read of the recent alerts of the types
 * involved, one refresh of `last_sent` per 50 repeats (their description is kept), one guarded
 * insert per new alert, all in one batch.
 */
export async function raiseAlerts(db: Db, now: number, inputs: readonly AlertInput[]): Promise<void> {
	if (inputs.length === 0) return;
	const since = now - ALERT_REPEAT_WINDOW_MS;
	const typeIds = [...new Set(inputs.map((i) => typeOf(i).id))];
	const recent = await db
		.select({ id: alerts.id, type: alerts.type, subject: alerts.subject })
		.from(alerts)
		.where(and(inArray(alerts.type, typeIds), gt(alerts.lastSent, since)));
	const existing = new Map(recent.map((r) => [`${r.type}\u0000${r.subject}`, r.id]));
	const repeats: string[] = [];
	const fresh = new Map<string, AlertInput>();
	for (const input of inputs) {
		const key = `${typeOf(input).id}\u0000${input.subject}`;
		const id = existing.get(key);
		if (id !== undefined) repeats.push(id);
		else fresh.set(key, input);
	}
	const statements: BatchItem<"sqlite">[] = [];
	for (let i = 0; i < repeats.length; i += CHUNK) {
		statements.push(
			db
				.update(alerts)
				.set({ lastSent: now })
				.where(inArray(alerts.id, repeats.slice(i, i + CHUNK))),
		);
	}
	for (const input of fresh.values()) statements.push(alertStatements(db, now, input)[1]);
	const [first, ...rest] = statements;
	if (first) await db.batch([first, ...rest]);
}
