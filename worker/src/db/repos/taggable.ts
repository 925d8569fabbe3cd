/**
 * @module The taggable-resource registry: for each tag resource type, the table that holds it and
 * who owns a resource of it, which decides who may tag it (CloudStack's checkResourceAccessible).
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { CsError, ERROR } from "../../api/errors";
import { type Caller, canSeeAccount, isInSubtree, isRootAdmin, visibleSubtree } from "../../domain/access";
import { isTaggable, resourceTypeName, type TaggableType } from "../../domain/taggable";
import { chunks } from "../../lib/chunks";
import type { Db } from "../client";
import {
	accounts,
	clusters,
	diskOfferings,
	domains,
	imageStores,
	networks,
	pods,
	serviceOfferings,
	storagePools,
	users,
	zones,
} from "../schema";

/** Who a resource belongs to: nobody (infrastructure, offerings), an account, or a domain. */
export type ResourceOwner =
	| { kind: "system" }
	| { kind: "account"; accountId: string; accountType: number; domainId: string; domainPath: string }
	| { kind: "domain"; domainId: string; domainPath: string };

/** D1 refuses statements with more than 100 bound parameters: `IN (…)` lists are chunked. */
export const IN_CHUNK = 90;

export function idChunks<T>(items: readonly T[]): T[][] {
	return chunks(items, IN_CHUNK);
}

type Loader = (db: Db, ids: string[]) => Promise<[string, ResourceOwner][]>;

/** A table whose rows belong to nobody; `live` excludes soft-deleted rows. */
function systemTable(table: SQLiteTable, id: SQLiteColumn, removed?: SQLiteColumn): Loader {
	return async (db, ids) => {
		const rows = await db
			.select({ id })
			.from(table)
			.where(and(inArray(id, ids), removed ? isNull(removed) : undefined));
		return rows.map((row) => [row.id as string, { kind: "system" }]);
	};
}

const LOADERS: Record<TaggableType, Loader> = {
	Zone: systemTable(zones, zones.id),
	Pod: systemTable(pods, pods.id),
	Cluster: systemTable(clusters, clusters.id),
	Storage: systemTable(storagePools, storagePools.id),
	ImageStore: systemTable(imageStores, imageStores.id),
	ServiceOffering: systemTable(serviceOfferings, serviceOfferings.id, serviceOfferings.removed),
	DiskOffering: systemTable(diskOfferings, diskOfferings.id, diskOfferings.removed),
	// An account-owned network belongs to its account; a domain-wide shared network to its domain.
	Network: async (db, ids) => {
		const rows = await db
			.select({
				id: networks.id,
				accountId: networks.accountId,
				domainId: networks.domainId,
				domainPath: domains.path,
				accountType: accounts.type,
			})
			.from(networks)
			.innerJoin(domains, eq(domains.id, networks.domainId))
			.leftJoin(accounts, eq(accounts.id, networks.accountId))
			.where(inArray(networks.id, ids));
		return rows.map((row) => [
			row.id,
			row.accountId
				? {
						kind: "account",
						accountId: row.accountId,
						accountType: row.accountType ?? 0,
						domainId: row.domainId,
						domainPath: row.domainPath,
					}
				: { kind: "domain", domainId: row.domainId, domainPath: row.domainPath },
		]);
	},
	Account: async (db, ids) => {
		const rows = await db
			.select({ id: accounts.id, type: accounts.type, domainId: accounts.domainId, domainPath: domains.path })
			.from(accounts)
			.innerJoin(domains, eq(domains.id, accounts.domainId))
			.where(and(inArray(accounts.id, ids), isNull(accounts.removed)));
		return rows.map((row) => [
			row.id,
			{ kind: "account", accountId: row.id, accountType: row.type, domainId: row.domainId, domainPath: row.domainPath },
		]);
	},
	// A user is its account's: whoever may act on the account may tag its users.
	User: async (db, ids) => {
		const rows = await db
			.select({
				id: users.id,
				accountId: users.accountId,
				accountType: accounts.type,
				domainId: accounts.domainId,
				domainPath: domains.path,
			})
			.from(users)
			.innerJoin(accounts, eq(accounts.id, users.accountId))
			.innerJoin(domains, eq(domains.id, accounts.domainId))
			.where(and(inArray(users.id, ids), isNull(users.removed)));
		return rows.map((row) => [
			row.id,
			{
				kind: "account",
				accountId: row.accountId,
				accountType: row.accountType,
				domainId: row.domainId,
				domainPath: row.domainPath,
			},
		]);
	},
	Domain: async (db, ids) => {
		const rows = await db
			.select({ id: domains.id, path: domains.path })
			.from(domains)
			.where(and(inArray(domains.id, ids), isNull(domains.removed)));
		return rows.map((row) => [row.id, { kind: "domain", domainId: row.id, domainPath: row.path }]);
	},
};

/** The taggable type `raw` names (case-insensitive), or CloudStack's 431 for any other name. */
export function requireTaggableType(raw: string): TaggableType {
	const name = resourceTypeName(raw);
	if (name === undefined) throw new CsError(ERROR.paramError, `Invalid resource type ${raw}`);
	if (!isTaggable(name)) throw new CsError(ERROR.paramError, `The resource type ${name} doesn't support resource tags`);
	return name;
}

/** Every resource of `ids` with its owner; 431 naming the first id that does not exist. */
export async function requireResources(
	db: Db,
	type: TaggableType,
	ids: readonly string[],
): Promise<Map<string, ResourceOwner>> {
	const unique = [...new Set(ids)];
	const found = new Map<string, ResourceOwner>();
	const loaded = await Promise.all(idChunks(unique).map((part) => LOADERS[type](db, part)));
	for (const rows of loaded) for (const [id, owner] of rows) found.set(id, owner);
	const missing = unique.find((id) => !found.has(id));
	if (missing !== undefined) {
		throw new CsError(ERROR.paramError, `Unable to find resource by id ${missing} and type ${type}`);
	}
	return found;
}

/**
 * CloudStack's checkResourceAccessible: root admins tag anything; resources that belong to nobody
 * are root-only; an account's resources follow account access (users their own account, domain
 * admins their subtree); a domain's resources need an admin whose subtree holds the domain.
 */
export function mayTag(caller: Caller, owner: ResourceOwner): boolean {
	if (isRootAdmin(caller)) return true;
	if (owner.kind === "system") return false;
	if (owner.kind === "account") {
		return canSeeAccount(caller, { id: owner.accountId, type: owner.accountType, domainPath: owner.domainPath });
	}
	const subtree = visibleSubtree(caller);
	return subtree !== null && isInSubtree(owner.domainPath, subtree);
}
