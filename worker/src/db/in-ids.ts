/**
 * @module `column IN (ids…)` for lists of any length. D1 binds at most 100 parameters per
 * statement, and a page of a list command has up to 500 rows, so drizzle's `inArray` over page ids
 * fails on large pages. Here the ids travel as one JSON parameter that `json_each` unpacks; SQLite
 * still uses the column's index for the `IN (SELECT …)`.
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export function inIds(column: SQLiteColumn, ids: readonly (string | number)[]): SQL {
	return sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`;
}
