/**
 * @module Text filters as CloudStack's MySQL collation behaves: names and states compare ignoring
 * case, keywords match as literal substrings.
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** `column = value`, ignoring (ASCII) case. */
export function eqNoCase(column: SQLiteColumn, value: string): SQL {
	return sql`${column} = ${value} COLLATE NOCASE`;
}

/** LIKE with the user's text taken literally (no `%`/`_` wildcards of their own). */
export function containsText(column: SQLiteColumn, text: string): SQL {
	const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
	return sql`${column} LIKE ${`%${escaped}%`} ESCAPE '\\'`;
}
