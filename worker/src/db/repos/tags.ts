/**
 * @module Resource tags as other commands use them: the `tags[0].key=…&tags[0].value=…` filter of
 * list commands, and the `tags` array embedded in responses.
 */
import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { MapEntries } from "../../commands/param-spec";
import type { Db } from "../client";
import { inIds } from "../in-ids";
import { resourceTags } from "../schema";

/**
 * A condition on `idColumn`: the resource carries every key/value pair of `entries` (CloudStack
 * ANDs them). An entry without a value matches the key alone. Undefined when there is no filter.
 */
export function tagFilter(
	db: Db,
	resourceType: string,
	idColumn: SQLiteColumn,
	entries: MapEntries | undefined,
): SQL | undefined {
	const pairs = (entries ?? []).filter((e) => e.key !== undefined && e.key !== "");
	if (pairs.length === 0) return undefined;
	return and(
		...pairs.map((entry) =>
			inArray(
				idColumn,
				db
					.select({ id: resourceTags.resourceId })
					.from(resourceTags)
					.where(
						and(
							eq(resourceTags.resourceType, resourceType),
							eq(resourceTags.key, entry.key ?? ""),
							entry.value === undefined ? undefined : eq(resourceTags.value, entry.value),
						),
					),
			),
		),
	);
}

export type TagRow = typeof resourceTags.$inferSelect;

/** A tag as CloudStack embeds it (ResourceTagResponse without the owner fields). */
export function serializeTag(tag: TagRow): Record<string, unknown> {
	return {
		key: tag.key,
		value: tag.value,
		resourcetype: tag.resourceType,
		resourceid: tag.resourceId,
		...(tag.customer ? { customer: tag.customer } : {}),
	};
}

/** The tags of `ids` (one query), by resource id; resources without tags map to []. */
export async function tagsOf(
	db: Db,
	resourceType: string,
	ids: readonly string[],
): Promise<(id: string) => Record<string, unknown>[]> {
	if (ids.length === 0) return () => [];
	const rows = await db
		.select()
		.from(resourceTags)
		.where(and(eq(resourceTags.resourceType, resourceType), inIds(resourceTags.resourceId, ids)));
	const byId = new Map<string, Record<string, unknown>[]>();
	for (const row of rows) {
		const list = byId.get(row.resourceId) ?? [];
		list.push(serializeTag(row));
		byId.set(row.resourceId, list);
	}
	return (id) => byId.get(id) ?? [];
}

/** Removes every tag of a deleted resource (put in the same batch as the delete). */
export function deleteTagsOf(db: Db, resourceType: string, id: string) {
	return db
		.delete(resourceTags)
		.where(and(eq(resourceTags.resourceType, resourceType), eq(resourceTags.resourceId, id)));
}
