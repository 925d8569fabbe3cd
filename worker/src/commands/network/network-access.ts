/**
 * @module Which guest networks a caller may see (CloudStack's listNetworks rules): its own
 * account's networks, the Domain-ACL networks of its own domain, and those of its ancestor
 * domains that grant subdomain access (a basic zone's ROOT network does); admins with
 * listall=true (or a domainid) also see every network in their domain subtree.
 */
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import type { Db } from "../../db/client";
import { resolveAccount } from "../../db/repos/accounts";
import { requireDomain, subtreeCondition } from "../../db/repos/domains";
import { domains, networks } from "../../db/schema";
import { type Caller, isInSubtree, visibleSubtree } from "../../domain/access";

/** "/a/b/" → ["/", "/a/", "/a/b/"]. */
export function ancestorPaths(path: string): string[] {
	const parts = path.split("/").filter((p) => p !== "");
	return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}/`)];
}

/** Domain-ACL networks usable by members of the caller's domain. */
function sharedWithDomainOf(db: Db, caller: Caller): SQL | undefined {
	return and(
		eq(networks.aclType, "Domain"),
		or(
			eq(networks.domainId, caller.domainId),
			and(
				eq(networks.subdomainAccess, true),
				inArray(
					networks.domainId,
					db
						.select({ id: domains.id })
						.from(domains)
						.where(inArray(domains.path, ancestorPaths(caller.domainPath))),
				),
			),
		),
	);
}

export interface NetworkScopeParams {
	listall?: boolean | undefined;
	domainid?: string | undefined;
	isrecursive?: boolean | undefined;
	account?: string | undefined;
}

/** The condition on `networks` for what the caller may list with these scope parameters. */
export async function networkVisibility(db: Db, caller: Caller, params: NetworkScopeParams): Promise<SQL | undefined> {
	const usable = or(eq(networks.accountId, caller.accountId), sharedWithDomainOf(db, caller));
	const subtree = visibleSubtree(caller);
	if (subtree === null) {
		if (params.domainid && params.domainid !== caller.domainId) {
			throw permissionDenied(`The caller has no access to domain ${params.domainid}`);
		}
		if (params.account && params.account !== caller.accountName) {
			throw permissionDenied(`The caller has no access to account ${params.account}`);
		}
		return params.account ? eq(networks.accountId, caller.accountId) : usable;
	}
	if (params.domainid) {
		const domain = await requireDomain(db, params.domainid);
		if (!isInSubtree(domain.path, subtree)) {
			throw permissionDenied(`The caller has no access to domain ${domain.id}`);
		}
		const inDomain = params.isrecursive
			? inArray(networks.domainId, db.select({ id: domains.id }).from(domains).where(subtreeCondition(domain.path)))
			: eq(networks.domainId, domain.id);
		if (!params.account) return inDomain;
		const account = await resolveAccount(db, { account: params.account, domainid: domain.id });
		return and(inDomain, eq(networks.accountId, account.id));
	}
	if (!params.listall) return usable;
	if (subtree === "/") return undefined;
	return or(
		inArray(networks.domainId, db.select({ id: domains.id }).from(domains).where(subtreeCondition(subtree))),
		usable,
	);
}
