/**
 * @module Template and ISO queries: who may see which image (CloudStack's own, public, shared
 * rules), the rows of a list (one per image and zone, as CloudStack's template_view), and the
 * accounts an image is shared with.
 */
import { and, asc, count, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { type Caller, isDomainScopedAdmin, isRootAdmin, visibleSubtree } from "../../domain/access";
import type { Db } from "../client";
import { accounts, domains, templatePermissions, templateStores, templates, zones } from "../schema";
import { subtreeCondition } from "./domains";
import type { Window } from "./list-page";

export type TemplateRow = typeof templates.$inferSelect;
export type TemplateStoreRow = typeof templateStores.$inferSelect;

/** An image with the names the response shows and what access checks need. */
export interface TemplateWithOwner {
	template: TemplateRow;
	account: string | null;
	accountType: number | null;
	domain: string | null;
	domainPath: string;
}

/** One row of a list: the image and (when it has one) its copy in one zone. */
export interface TemplateListRow extends TemplateWithOwner {
	store: TemplateStoreRow | null;
	zoneName: string | null;
}

const ownerColumns = {
	template: templates,
	account: accounts.name,
	accountType: accounts.type,
	domain: domains.name,
	domainPath: domains.path,
};

/** The image by id (not removed), or CloudStack's 431; `isIso` keeps templates and ISOs apart. */
export async function requireImage(db: Db, id: string, isIso: boolean, param = "id"): Promise<TemplateWithOwner> {
	const [row] = await db
		.select(ownerColumns)
		.from(templates)
		.leftJoin(accounts, eq(accounts.id, templates.accountId))
		.leftJoin(domains, eq(domains.id, templates.domainId))
		.where(and(eq(templates.id, id), eq(templates.isIso, isIso), isNull(templates.removed)))
		.limit(1);
	if (!row) throw invalidParam(param, id);
	return { ...row, domainPath: row.domainPath ?? "/" };
}

/** Images shared with the caller's account through updateTemplatePermissions. */
export function sharedWith(db: Db, accountId: string): SQL {
	return inArray(
		templates.id,
		db
			.select({ id: templatePermissions.templateId })
			.from(templatePermissions)
			.where(eq(templatePermissions.accountId, accountId)),
	);
}

/** Images in the domain subtree at `path`. */
function inSubtree(db: Db, path: string): SQL {
	return inArray(templates.domainId, db.select({ id: domains.id }).from(domains).where(subtreeCondition(path)));
}

/**
 * What a caller may see (undefined: everything): root and read-only admins all; domain and
 * resource admins their subtree; users their account; everyone the public images and those shared
 * with their account.
 */
export function visibleImages(db: Db, caller: Caller): SQL | undefined {
	const subtree = visibleSubtree(caller);
	if (subtree === "/") return undefined;
	const own = subtree === null ? eq(templates.accountId, caller.accountId) : inSubtree(db, subtree);
	return or(own, eq(templates.isPublic, true), sharedWith(db, caller.accountId));
}

/** May the caller see this image (the row form of `visibleImages`)? */
export async function canSeeImage(db: Db, caller: Caller, found: TemplateWithOwner): Promise<boolean> {
	const { template } = found;
	if (template.isPublic || template.accountId === caller.accountId) return true;
	const subtree = visibleSubtree(caller);
	if (subtree !== null && found.domainPath.startsWith(subtree)) return true;
	const [shared] = await db
		.select({ id: templatePermissions.templateId })
		.from(templatePermissions)
		.where(and(eq(templatePermissions.templateId, template.id), eq(templatePermissions.accountId, caller.accountId)))
		.limit(1);
	return shared !== undefined;
}

/**
 * May the caller change or delete this image? Its owner account, the root admin, and domain or
 * resource admins over images of their subtree (CloudStack's checkAccess with modify access).
 */
export function canManageImage(caller: Caller, found: TemplateWithOwner): boolean {
	if (found.template.accountId === caller.accountId) return true;
	if (isRootAdmin(caller)) return true;
	return isDomainScopedAdmin(caller) && found.domainPath.startsWith(caller.domainPath);
}

/**
 * One page of images and their zone copies. A zone condition (`storeWhere`) makes the copy
 * required; without one an image no zone holds yet still shows once, with no zone.
 */
export async function imageListPage(
	db: Db,
	where: SQL | undefined,
	storeWhere: SQL | undefined,
	window: Window,
): Promise<{ rows: TemplateListRow[]; count: number }> {
	const all = and(where, storeWhere);
	const [rows, [total]] = await Promise.all([
		db
			.select({ ...ownerColumns, store: templateStores, zoneName: zones.name })
			.from(templates)
			.leftJoin(templateStores, eq(templateStores.templateId, templates.id))
			.leftJoin(zones, eq(zones.id, templateStores.zoneId))
			.leftJoin(accounts, eq(accounts.id, templates.accountId))
			.leftJoin(domains, eq(domains.id, templates.domainId))
			.where(all)
			.orderBy(asc(templates.sortKey), asc(templates.created), asc(templates.id), asc(zones.name))
			.limit(window.limit)
			.offset(window.offset),
		db
			.select({ n: count() })
			.from(templates)
			.leftJoin(templateStores, eq(templateStores.templateId, templates.id))
			.where(all),
	]);
	return { rows: rows.map((r) => ({ ...r, domainPath: r.domainPath ?? "/" })), count: total?.n ?? 0 };
}

/** The image's rows for a response right after a change: every zone copy, all of them. */
export async function imageRows(db: Db, templateId: string, zoneId?: string): Promise<TemplateListRow[]> {
	const { rows } = await imageListPage(
		db,
		eq(templates.id, templateId),
		zoneId ? eq(templateStores.zoneId, zoneId) : undefined,
		{ limit: 1000, offset: 0 },
	);
	return rows;
}

/** Names of the accounts an image is shared with, sorted. */
export async function sharedAccountNames(db: Db, templateId: string): Promise<string[]> {
	const rows = await db
		.select({ name: accounts.name })
		.from(templatePermissions)
		.innerJoin(accounts, eq(accounts.id, templatePermissions.accountId))
		.where(eq(templatePermissions.templateId, templateId))
		.orderBy(asc(accounts.name));
	return rows.map((r) => r.name);
}

/** The image's zone copies (any state). */
export async function imageStoreRows(db: Db, templateId: string): Promise<TemplateStoreRow[]> {
	return db.select().from(templateStores).where(eq(templateStores.templateId, templateId));
}
