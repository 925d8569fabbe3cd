/** @module Paging over the in-code catalogues, with the same window rules as the table-backed lists. */
import type { Window } from "../../db/repos/list-page";

export function pageOf<T>(items: readonly T[], window: Window): { page: T[]; count: number } {
	return { page: items.slice(window.offset, window.offset + window.limit), count: items.length };
}

/** Case-insensitive substring test (CloudStack's keyword LIKE '%…%'). */
export function containsText(text: string, part: string): boolean {
	return text.toLowerCase().includes(part.trim().toLowerCase());
}
