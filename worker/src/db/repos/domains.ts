/** @module Domain queries: lookups, subtrees and the parent/child facts the response shows. */
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { invalidParam } from "../../api/errors";
import { serializeDomain } from "../../api/serializers/domain";
import type { Db } from "../client";
import { inIds } from "../in-ids";
import { domains } from "../schema";

export type DomainRow = typeof domains.$inferSelect;

export async function findDomain(db: Db, id: string): Promise<DomainRow | undefined> {
	const [row] = await db
		.select()
		.from(domains)
		.where(and(eq(domains.id, id), isNull(domains.removed)))
		.limit(1);
	return row;
}

/** The domain named by a `domainid` parameter, or CloudStack's 431 when it does not exist. */
export async function requireDomain(db: Db, id: string, param = "domainid"): Promise<DomainRow> {
	const row = await findDomain(db, id);
	if (!row) throw invalidParam(param, id);
	return row;
}

/** The domain for a CloudStack path such as `/`, `/sub/child/` or `sub/child`. */
export async function domainByPath(db: Db, path: string): Promise<DomainRow | undefined> {
	const trimmed = path.trim().replace(/^\/+|\/+$/g, "");
	const normalised = trimmed === "" || trimmed.toUpperCase() === "ROOT" ? "/" : `/${trimmed}/`;
	const [row] = await db
		.select()
		.from(domains)
		.where(and(eq(domains.path, normalised), isNull(domains.removed)))
		.limit(1);
	return row;
}

/** `column` starts with `prefix`, compared exactly (LIKE would treat `_` and `%` in names as wildcards). */
export function startsWith(column: SQLiteColumn, prefix: string): SQL {
	return sql`substr(${column}, 1, ${prefix.length}) = ${prefix}`;
}

/** Live domains at `path` or below it. */
export function subtreeCondition(path: string) {
	return and(startsWith(domains.path, path), isNull(domains.removed));
}

/** Serialises rows with their parent names and whether each has live children (two queries in all). */
export async function serializeDomains(db: Db, rows: DomainRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const parentIds = [...new Set(rows.map((r) => r.parentId).filter((id): id is string => id !== null))];
	const [children, parents] = await Promise.all([
		db
			.selectDistinct({ parentId: domains.parentId })
			.from(domains)
			.where(and(inIds(domains.parentId, ids), isNull(domains.removed))),
		parentIds.length
			? db.select({ id: domains.id, name: domains.name }).from(domains).where(inIds(domains.id, parentIds))
			: Promise.resolve([]),
	]);
	const withChildren = new Set(children.map((c) => c.parentId));
	const parentNames = new Map(parents.map((p) => [p.id, p.name]));
	return rows.map((row) =>
		serializeDomain(row, {
			parentName: row.parentId ? parentNames.get(row.parentId) : undefined,
			hasChild: withChildren.has(row.id),
		}),
	);
}
