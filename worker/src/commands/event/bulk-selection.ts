/**
 * @module The selection archiveEvents/deleteEvents and archiveAlerts/deleteAlerts share: `ids`,
 * `type`, `startdate`, `enddate`, with CloudStack's rules (at least ids, type or enddate;
 * startdate only with enddate) and date ranges as listEvents reads them.
 */
import { and, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { chunks } from "../../lib/chunks";
import { isUuid } from "../../lib/ids";
import { p } from "../param-spec";

const DATE_FORMAT = '(use format "yyyy-MM-dd" or the new format "yyyy-MM-dd HH:mm:ss")';

export function bulkParams(verb: "archive" | "delete", what: "events" | "alerts", related: string) {
	return {
		ids: p.list(`the IDs of the ${what}`, { related }),
		type: p.string(`${verb} by ${what === "events" ? "event" : "alert"} type`),
		startdate: p.date(`start date range to ${verb} ${what} (including) this date ${DATE_FORMAT}`),
		enddate: p.date(`end date range to ${verb} ${what} (including) this date ${DATE_FORMAT}`),
	};
}

export interface BulkSelection {
	ids?: string[] | undefined;
	type?: string | undefined;
	startdate?: number | undefined;
	enddate?: number | undefined;
}

/** A date-only `enddate` (midnight UTC) covers its whole day, as listEvents reads it. */
export function inclusiveEnd(enddate: number): number {
	return enddate + (enddate % 86_400_000 === 0 ? 86_399_999 : 0);
}

/**
 * CloudStack's checks, then the ids lower-cased and de-duplicated (each must be a UUID, else 431).
 * `missing` is CloudStack's text when nothing selects rows.
 */
export function checkSelection(params: BulkSelection, missing: string): string[] | undefined {
	if (params.ids === undefined && params.type === undefined && params.enddate === undefined) {
		throw new CsError(ERROR.paramError, missing);
	}
	if (params.startdate !== undefined && params.enddate === undefined) {
		throw new CsError(ERROR.paramError, "enddate must be specified with startdate parameter");
	}
	if (params.ids === undefined) return undefined;
	const ids = [...new Set(params.ids.map((v) => v.trim().toLowerCase()))];
	const bad = ids.find((v) => !isUuid(v));
	if (bad !== undefined) throw invalidParam("ids", bad);
	if (ids.length === 0) throw invalidParam("ids", params.ids.join(","));
	return ids;
}

/** `created` within [startdate, enddate] (enddate alone: up to it). */
export function createdRange(column: SQLiteColumn, params: BulkSelection): SQL | undefined {
	if (params.enddate === undefined) return undefined;
	return and(
		params.startdate !== undefined ? gte(column, params.startdate) : undefined,
		lte(column, inclusiveEnd(params.enddate)),
	);
}

/** Rows are addressed in chunks so no statement exceeds D1's bound-parameter limit. */
export const ID_CHUNK = 50;

export function idChunks<T>(items: readonly T[]): T[][] {
	return chunks(items, ID_CHUNK);
}

/** `column IN (ids)` for one chunk. */
export function idIn(column: SQLiteColumn, ids: readonly string[]): SQL {
	return inArray(column, [...ids]);
}
