/**
 * @module Which alerts archiveAlerts/deleteAlerts touch: ids (each must exist, else 431), type (a
 * number, or leniently an alert type name) and the created range. Alerts are global: only root
 * admins (and roles granted these commands) reach them.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { alerts } from "../../db/schema";
import { alertTypeFilter } from "../../domain/alert-types";
import { type BulkSelection, checkSelection, createdRange, idChunks, idIn } from "../event/bulk-selection";

export const MISSING_ALERT_SELECTION = "either ids, type, startdate or enddate must be specified";

/** `type` as a condition; a value that is neither a number nor an alert type name is 431. */
export function alertTypeCondition(type: string | undefined): SQL | undefined {
	if (type === undefined) return undefined;
	const id = alertTypeFilter(type);
	if (id === null) throw invalidParam("type", type);
	return eq(alerts.type, id);
}

/** One WHERE per statement to run (several when many ids are named). */
export async function alertTargets(db: Db, params: BulkSelection): Promise<SQL[]> {
	const ids = checkSelection(params, MISSING_ALERT_SELECTION);
	const filters = [alertTypeCondition(params.type), createdRange(alerts.created, params)];
	if (ids === undefined) return [and(...filters) ?? sql`1`];
	const parts = idChunks(ids);
	await Promise.all(
		parts.map(async (part) => {
			const found = await db.select({ id: alerts.id }).from(alerts).where(idIn(alerts.id, part));
			const known = new Set(found.map((r) => r.id));
			const missing = part.find((id) => !known.has(id));
			if (missing !== undefined) throw invalidParam("ids", missing);
		}),
	);
	return parts.map((part) => and(idIn(alerts.id, part), ...filters) as SQL);
}
