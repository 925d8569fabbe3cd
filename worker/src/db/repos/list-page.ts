/**
 * @module One page of a list command and its total, read concurrently (two queries, not a
 * `db.batch`: see account-views.ts for why joined reads avoid batches).
 */
import { count, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";

export interface Window {
	limit: number;
	offset: number;
}

/** Rows of `table` matching `where`, ordered by `orderBy` (add the id last for a stable order). */
export async function listPage<T extends SQLiteTable>(
	db: Db,
	table: T,
	where: SQL | undefined,
	orderBy: readonly (SQLiteColumn | SQL)[],
	window: Window,
): Promise<{ rows: T["$inferSelect"][]; count: number }> {
	const [rows, [total]] = await Promise.all([
		db
			.select()
			.from(table as SQLiteTable)
			.where(where)
			.orderBy(...orderBy)
			.limit(window.limit)
			.offset(window.offset),
		db
			.select({ n: count() })
			.from(table as SQLiteTable)
			.where(where),
	]);
	return { rows: rows as T["$inferSelect"][], count: total?.n ?? 0 };
}
