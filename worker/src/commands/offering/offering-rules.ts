/**
 * @module What service and disk offerings share: storage and provisioning types, states, the
 * domain and zone lists that restrict an offering, who may manage a domain-restricted offering,
 * and which offerings a caller may see (CloudStack's ConfigurationManagerImpl and QueryManagerImpl).
 */
import { inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { type DomainRow, findDomain, startsWith } from "../../db/repos/domains";
import { domains, zones } from "../../db/schema";
import { type Caller, isDomainScopedAdmin, isInSubtree, isRootAdmin, visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";

export type StorageType = "shared" | "local";
export type ProvisioningType = "thin" | "sparse" | "fat";
export type OfferingState = "Active" | "Inactive";

export function parseStorageType(raw: string | undefined): StorageType {
	if (raw === undefined) return "shared";
	const value = raw.trim().toLowerCase();
	if (value === "shared" || value === "local") return value;
	throw new CsError(ERROR.paramError, `Invalid storage type ${raw} specified, valid types are: 'local' and 'shared'`);
}

export function parseProvisioningType(raw: string | undefined): ProvisioningType {
	if (raw === undefined) return "thin";
	const value = raw.trim().toLowerCase();
	if (value === "thin" || value === "sparse" || value === "fat") return value;
	throw new CsError(
		ERROR.paramError,
		`Invalid provisioning type specified: ${raw}; valid types are thin, sparse and fat`,
	);
}

export function parseOfferingState(raw: string): OfferingState {
	const value = raw.trim().toLowerCase();
	if (value === "active") return "Active";
	if (value === "inactive") return "Inactive";
	throw new CsError(ERROR.paramError, `Invalid state ${raw}; an offering is Active or Inactive`);
}

/** A list's `state` filter: Active by default, `all` for every state (null = no filter). */
export function stateFilter(raw: string | undefined): OfferingState | null {
	if (raw === undefined) return "Active";
	if (raw.trim().toLowerCase() === "all") return null;
	return parseOfferingState(raw);
}

/** Comma-separated id list as stored (null = public / every zone). */
export function splitIds(text: string | null): string[] {
	return text ? text.split(",").filter((v) => v !== "") : [];
}

export function joinIds(ids: readonly string[]): string | null {
	return ids.length ? ids.join(",") : null;
}

function uniqueUuids(values: readonly string[], param: string): string[] {
	const ids = values.map((v) => v.trim().toLowerCase());
	const bad = ids.find((v) => !isUuid(v));
	if (bad !== undefined) throw invalidParam(param, bad);
	return [...new Set(ids)];
}

/**
 * The domains of a `domainid` list, each of which must exist. A sub-domain listed beside one of
 * its ancestors is dropped, as CloudStack's filterChildSubDomains does: the ancestor covers it.
 */
export async function resolveDomains(db: Db, values: readonly string[], param = "domainid"): Promise<DomainRow[]> {
	const rows: DomainRow[] = [];
	for (const id of uniqueUuids(values, param)) {
		const row = await findDomain(db, id);
		if (!row) throw invalidParam(param, id);
		rows.push(row);
	}
	return rows.filter((row) => !rows.some((other) => other !== row && isInSubtree(row.path, other.path)));
}

/** The zones of a `zoneid` list, each of which must exist. */
export async function resolveZones(db: Db, values: readonly string[], param = "zoneid"): Promise<string[]> {
	const ids = uniqueUuids(values, param);
	if (ids.length === 0) return [];
	const found = new Set((await db.select({ id: zones.id }).from(zones).where(inArray(zones.id, ids))).map((z) => z.id));
	const missing = ids.find((id) => !found.has(id));
	if (missing !== undefined) throw invalidParam(param, missing);
	return ids;
}

/** updateXOffering's `domainid`/`zoneid`: a comma list, or `public`/`all` for no restriction. */
export function updateList(raw: string | undefined, unrestricted: string): string[] | undefined {
	if (raw === undefined) return undefined;
	if (raw.trim().toLowerCase() === unrestricted) return [];
	return raw
		.split(",")
		.map((v) => v.trim())
		.filter((v) => v !== "");
}

/**
 * Only the root admin manages public offerings. Where a role rule lets a domain admin call an
 * offering command, CloudStack lets it act only on offerings restricted to domains in its subtree.
 */
export function assertMayManage(caller: Caller, domainRows: readonly DomainRow[], action: string, noun: string): void {
	if (isRootAdmin(caller)) return;
	if (!isDomainScopedAdmin(caller)) {
		throw new CsError(
			ERROR.paramError,
			`Unable to ${action} ${noun} by user: ${caller.userId} because it is not root-admin or domain-admin`,
		);
	}
	if (domainRows.length === 0) {
		throw new CsError(
			ERROR.paramError,
			`Unable to ${action} public ${noun} by admin: ${caller.userId} because it is domain-admin`,
		);
	}
	const outside = domainRows.find((d) => !isInSubtree(d.path, caller.domainPath));
	if (outside) {
		throw new CsError(
			ERROR.paramError,
			`Unable to ${action} ${noun} by another domain-admin: ${caller.userId} for domain: ${outside.id}`,
		);
	}
}

/** `column` (a comma-separated id list) contains `id`. */
export function listContains(column: SQLiteColumn, id: SQL | SQLiteColumn | string): SQL {
	return sql`instr(',' || ${column} || ',', ',' || ${id} || ',') > 0`;
}

/**
 * Offerings the caller may see: public ones for everyone; a domain-restricted one when one of its
 * domains is the caller's domain or an ancestor of it, and for domain and resource admins also
 * when it is inside their subtree. Root and read-only admins see every offering (undefined).
 */
export function visibleToCaller(caller: Caller, domainIdsColumn: SQLiteColumn): SQL | undefined {
	const subtree = visibleSubtree(caller);
	if (subtree === "/") return undefined;
	const ancestorOrSelf = sql`substr(${caller.domainPath}, 1, length(${domains.path})) = ${domains.path}`;
	const reach = subtree === null ? ancestorOrSelf : or(ancestorOrSelf, startsWith(domains.path, subtree));
	return or(
		isNull(domainIdsColumn),
		sql`exists (select 1 from ${domains} where ${domains.removed} is null and (${reach}) and ${listContains(domainIdsColumn, domains.id)})`,
	);
}

/** Names of the domains and zones that a page of offerings lists (two queries in all). */
export interface OfferingRefs {
	domainName(id: string): string | undefined;
	zoneName(id: string): string | undefined;
}

export async function loadOfferingRefs(
	db: Db,
	rows: readonly { domainIds: string | null; zoneIds: string | null }[],
): Promise<OfferingRefs> {
	const domainIds = [...new Set(rows.flatMap((r) => splitIds(r.domainIds)))];
	const zoneIds = [...new Set(rows.flatMap((r) => splitIds(r.zoneIds)))];
	const [domainRows, zoneRows] = await Promise.all([
		domainIds.length
			? db
					.select({ id: domains.id, name: domains.name, removed: domains.removed })
					.from(domains)
					.where(inIds(domains.id, domainIds))
			: Promise.resolve([]),
		zoneIds.length
			? db.select({ id: zones.id, name: zones.name }).from(zones).where(inArray(zones.id, zoneIds))
			: Promise.resolve([]),
	]);
	const domainNames = new Map(domainRows.filter((d) => d.removed === null).map((d) => [d.id, d.name]));
	const zoneNames = new Map(zoneRows.map((z) => [z.id, z.name]));
	return { domainName: (id) => domainNames.get(id), zoneName: (id) => zoneNames.get(id) };
}

/** CloudStack's `domainid`/`domain` (or `zoneid`/`zone`) pair: ids and names in the same order. */
export function idsAndNames(
	text: string | null,
	nameOf: (id: string) => string | undefined,
): { ids: string | undefined; names: string | undefined } {
	const known = splitIds(text).flatMap((id) => {
		const name = nameOf(id);
		return name === undefined ? [] : [{ id, name }];
	});
	if (known.length === 0) return { ids: undefined, names: undefined };
	return { ids: known.map((k) => k.id).join(","), names: known.map((k) => k.name).join(",") };
}

/** The domains an existing offering is restricted to (removed domains are skipped). */
export async function domainsOf(db: Db, text: string | null): Promise<DomainRow[]> {
	const rows = await Promise.all(splitIds(text).map((id) => findDomain(db, id)));
	return rows.filter((r): r is DomainRow => r !== undefined);
}
