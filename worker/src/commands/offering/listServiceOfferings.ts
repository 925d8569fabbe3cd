import { and, eq, isNull, like, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { CsError, ERROR, invalidParam, permissionDenied } from "../../api/errors";
import { SERVICE_OFFERING_FIELDS } from "../../api/serializers/service-offering";
import { inIds } from "../../db/in-ids";
import { requireDomain } from "../../db/repos/domains";
import { listPage } from "../../db/repos/list-page";
import { tagFilter } from "../../db/repos/tags";
import { serviceOfferings } from "../../db/schema";
import { canAccessDomain, visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { listContains, parseStorageType, stateFilter, visibleToCaller } from "./offering-rules";
import { serviceOfferingItems } from "./service-offering-view";

/**
 * Offerings that can run a VM of `value`: a fixed offering with exactly that value, a customized
 * one whose bounds (if any) include it.
 */
function fits(fixed: SQLiteColumn, min: SQLiteColumn, max: SQLiteColumn, value: number): SQL | undefined {
	return or(
		and(eq(serviceOfferings.customized, false), eq(fixed, value)),
		and(
			eq(serviceOfferings.customized, true),
			or(isNull(min), sql`${min} <= ${value}`),
			or(isNull(max), sql`${max} >= ${value}`),
		),
	);
}

export const listServiceOfferings = defineCommand({
	name: "listServiceOfferings",
	description:
		"Lists all available service offerings: public ones, and those restricted to the caller's domain or its parents",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("ID of the service offering", { related: "listServiceOfferings" }),
		ids: p.list("the IDs of the service offerings, comma-separated"),
		name: p.string("name of the service offering"),
		zoneid: p.uuid("id of zone disk offering is associated with: offerings for that zone and for every zone", {
			since: "4.13",
			related: "listZones",
		}),
		domainid: p.uuid("list only the offerings restricted to this domain", { related: "listDomains" }),
		issystem: p.boolean("is this a system vm offering (there are none)"),
		cpunumber: p.integer("the CPU number that listed offerings must support", { since: "4.15" }),
		memory: p.integer("the RAM memory in MB that listed offering must support", { since: "4.15" }),
		cpuspeed: p.integer("the CPU speed that listed offerings must support", { since: "4.15" }),
		storagetype: p.string("the storage type of the service offering. Values are local and shared.", {
			since: "4.19",
		}),
		state: p.string(
			"Filter by state of the service offering. Defaults to 'Active'. If set to 'all' shows both Active & Inactive offerings.",
			{
				since: "4.19",
			},
		),
		tags: p.map("List resources by tags (key/value pairs)"),
		...pagingParams,
	},
	responseFields: SERVICE_OFFERING_FIELDS,
	related: ["createServiceOffering", "updateServiceOffering"],
	async handle({ params, deps, caller }) {
		const window = pageWindow(params, deps.settings);
		if (params.issystem && visibleSubtree(caller) !== "/") {
			throw new CsError(ERROR.paramError, "Only ROOT admins can access system's offering");
		}
		const state = stateFilter(params.state);
		const filters: (SQL | undefined)[] = [
			isNull(serviceOfferings.removed),
			visibleToCaller(caller, serviceOfferings.domainIds),
			state ? eq(serviceOfferings.state, state) : undefined,
		];
		if (params.id) filters.push(eq(serviceOfferings.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("ids", bad);
			filters.push(inIds(serviceOfferings.id, ids));
		}
		if (params.name) filters.push(sql`lower(${serviceOfferings.name}) = ${params.name.trim().toLowerCase()}`);
		if (params.keyword) {
			const pattern = `%${params.keyword}%`;
			filters.push(or(like(serviceOfferings.name, pattern), like(serviceOfferings.displayText, pattern)));
		}
		if (params.zoneid) {
			filters.push(or(isNull(serviceOfferings.zoneIds), listContains(serviceOfferings.zoneIds, params.zoneid)));
		}
		if (params.domainid) {
			const domain = await requireDomain(deps.db, params.domainid);
			if (!canAccessDomain(caller, domain)) throw permissionDenied(`The caller has no access to domain ${domain.id}`);
			filters.push(listContains(serviceOfferings.domainIds, domain.id));
		}
		if (params.issystem !== undefined) filters.push(eq(serviceOfferings.isSystem, params.issystem));
		if (params.cpunumber !== undefined) {
			filters.push(
				fits(
					serviceOfferings.cpuNumber,
					serviceOfferings.minCpuNumber,
					serviceOfferings.maxCpuNumber,
					params.cpunumber,
				),
			);
		}
		if (params.memory !== undefined) {
			filters.push(
				fits(serviceOfferings.memory, serviceOfferings.minMemory, serviceOfferings.maxMemory, params.memory),
			);
		}
		if (params.cpuspeed !== undefined) {
			// A customized offering without a speed accepts any.
			filters.push(or(eq(serviceOfferings.cpuSpeed, params.cpuspeed), isNull(serviceOfferings.cpuSpeed)));
		}
		if (params.storagetype) filters.push(eq(serviceOfferings.storageType, parseStorageType(params.storagetype)));
		filters.push(tagFilter(deps.db, "ServiceOffering", serviceOfferings.id, params.tags));
		const { rows, count } = await listPage(
			deps.db,
			serviceOfferings,
			and(...filters),
			[serviceOfferings.sortKey, serviceOfferings.created, serviceOfferings.id],
			window,
		);
		const items = await serviceOfferingItems(deps.db, rows);
		return { type: "list", name: "serviceoffering", items, count };
	},
});
