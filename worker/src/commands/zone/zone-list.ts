/**
 * @module The query behind listZones and listZonesMetrics (QueryManagerImpl's
 * listDataCentersInternal): filters, the tag filter, and what a non-admin may see — enabled
 * zones that are public or dedicated to its own domain or an ancestor (a domain or resource
 * admin also sees zones dedicated inside its subtree).
 */
import { and, asc, eq, inArray, isNull, like, or, type SQL } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import type { ZoneView } from "../../api/serializers/zone";
import type { Db } from "../../db/client";
import { startsWith } from "../../db/repos/domains";
import type { ZoneRow } from "../../db/repos/inventory";
import { listPage } from "../../db/repos/list-page";
import { tagFilter } from "../../db/repos/tags";
import { domains, zones } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { type Caller, isDomainScopedAdmin } from "../../domain/access";
import type { Settings } from "../../domain/settings";
import { isUuid } from "../../lib/ids";
import { pageWindow, pagingParams } from "../list-params";
import { type MapEntries, p } from "../param-spec";

export const zoneListParams = {
	id: p.uuid("the ID of the zone", { related: "listZones" }),
	ids: p.list("the IDs of the zones, mutually exclusive with id", { since: "4.19.0", related: "listZones" }),
	available: p.boolean(
		"true if you want to retrieve all available Zones. False if you only want to return the Zones from which you have at least one VM. Default is false.",
	),
	domainid: p.uuid("the ID of the domain associated with the zone", { related: "listDomains" }),
	name: p.string("the name of the zone", { since: "4.3.2" }),
	networktype: p.string("the network type of the zone that the virtual machine belongs to"),
	showcapacities: p.boolean("flag to display the capacity of the zones (admin view only)"),
	tags: p.map("List zones by resource tags (key/value pairs)", { since: "4.3" }),
	showicon: p.boolean("flag to display the resource image for the zones (accepted; zones have no icons here)"),
	...pagingParams,
};

export interface ZoneListParams {
	id?: string | undefined;
	ids?: string[] | undefined;
	available?: boolean | undefined;
	domainid?: string | undefined;
	name?: string | undefined;
	networktype?: string | undefined;
	tags?: MapEntries | undefined;
	keyword?: string | undefined;
	page?: number | undefined;
	pagesize?: number | undefined;
}

/** Admin-type callers (root and read-only admins) get CloudStack's Full view, others Restricted. */
export function zoneView(caller: Caller): ZoneView {
	return caller.roleType === "Admin" ? "Full" : "Restricted";
}

/** "/a/b/" → ["/", "/a/", "/a/b/"]: the paths of the caller's domain and its ancestors. */
function ancestorPaths(path: string): string[] {
	const paths = ["/"];
	for (const part of path.split("/").filter((s) => s !== "")) paths.push(`${paths.at(-1)}${part}/`);
	return paths;
}

/** What a caller without an admin-type role may see (CloudStack's dedicated-zone rules). */
function visibleToNonAdmin(db: Db, caller: Caller): SQL | undefined {
	const dedicatedTo = db
		.select({ id: domains.id })
		.from(domains)
		.where(
			or(
				inArray(domains.path, ancestorPaths(caller.domainPath)),
				isDomainScopedAdmin(caller) ? startsWith(domains.path, caller.domainPath) : undefined,
			),
		);
	return and(eq(zones.allocationState, "Enabled"), or(isNull(zones.domainId), inArray(zones.domainId, dedicatedTo)));
}

export async function listZoneRows(
	db: Db,
	settings: Settings,
	caller: Caller,
	params: ZoneListParams,
): Promise<{ rows: ZoneRow[]; count: number }> {
	const window = pageWindow(params, settings);
	for (const id of params.ids ?? []) if (!isUuid(id)) throw invalidParam("ids", id);
	// available=false means "zones where I have a VM"; no instance exists before the instance
	// issue, so, like CloudStack for an account without routers, the answer is empty.
	if (params.available === false) return { rows: [], count: 0 };
	const filters: (SQL | undefined)[] = [
		zoneView(caller) === "Full" ? undefined : visibleToNonAdmin(db, caller),
		tagFilter(db, "Zone", zones.id, params.tags),
	];
	if (params.id) filters.push(eq(zones.id, params.id));
	if (params.ids?.length)
		filters.push(
			inArray(
				zones.id,
				params.ids.map((id) => id.toLowerCase()),
			),
		);
	if (params.name) filters.push(eqNoCase(zones.name, params.name));
	if (params.networktype) filters.push(eqNoCase(zones.networkType, params.networktype));
	if (params.domainid) filters.push(eq(zones.domainId, params.domainid));
	if (params.keyword) {
		filters.push(or(like(zones.name, `%${params.keyword}%`), like(zones.description, `%${params.keyword}%`)));
	}
	// CloudStack orders zones by sort key, then id; created keeps our uuids in creation order.
	return listPage(db, zones, and(...filters), [asc(zones.sortKey), asc(zones.created), asc(zones.id)], window);
}
