import { and, eq, isNull, like, or, type SQL, sql } from "drizzle-orm";
import { invalidParam, permissionDenied } from "../../api/errors";
import { DISK_OFFERING_FIELDS } from "../../api/serializers/disk-offering";
import { inIds } from "../../db/in-ids";
import { requireDomain } from "../../db/repos/domains";
import { listPage } from "../../db/repos/list-page";
import { tagFilter } from "../../db/repos/tags";
import { diskOfferings } from "../../db/schema";
import { canAccessDomain, visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { diskOfferingItems } from "./disk-offering-view";
import { listContains, parseStorageType, stateFilter, visibleToCaller } from "./offering-rules";

export const listDiskOfferings = defineCommand({
	name: "listDiskOfferings",
	description:
		"Lists all available disk offerings: public ones, and those restricted to the caller's domain or its parents",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("ID of the disk offering", { related: "listDiskOfferings" }),
		ids: p.list("the IDs of the disk offerings, comma-separated"),
		name: p.string("name of the disk offering"),
		zoneid: p.uuid("id of zone disk offering is associated with: offerings for that zone and for every zone", {
			since: "4.13",
			related: "listZones",
		}),
		domainid: p.uuid("list only the offerings restricted to this domain", { related: "listDomains" }),
		storagetype: p.string("the storage type of the disk offering. Values are local and shared.", { since: "4.19" }),
		encrypt: p.boolean("listed offerings support disk encryption", { since: "4.18" }),
		state: p.string(
			"Filter by state of the disk offering. Defaults to 'Active'. If set to 'all' shows both Active & Inactive offerings.",
			{ since: "4.19" },
		),
		tags: p.map("List resources by tags (key/value pairs)"),
		...pagingParams,
	},
	responseFields: DISK_OFFERING_FIELDS,
	related: ["createDiskOffering", "updateDiskOffering"],
	async handle({ params, deps, caller }) {
		const window = pageWindow(params, deps.settings);
		const state = stateFilter(params.state);
		const seesAll = visibleSubtree(caller) === "/";
		const filters: (SQL | undefined)[] = [
			isNull(diskOfferings.removed),
			// A service offering's own root-disk offering is not listed.
			eq(diskOfferings.computeOnly, false),
			visibleToCaller(caller, diskOfferings.domainIds),
			// displayoffering=false hides an offering from everyone but the admins who see everything.
			seesAll ? undefined : eq(diskOfferings.displayOffering, true),
			state ? eq(diskOfferings.state, state) : undefined,
		];
		if (params.id) filters.push(eq(diskOfferings.id, params.id));
		if (params.ids) {
			const ids = params.ids.map((v) => v.toLowerCase());
			const bad = ids.find((v) => !isUuid(v));
			if (bad !== undefined) throw invalidParam("ids", bad);
			filters.push(inIds(diskOfferings.id, ids));
		}
		if (params.name) filters.push(sql`lower(${diskOfferings.name}) = ${params.name.trim().toLowerCase()}`);
		if (params.keyword) {
			const pattern = `%${params.keyword}%`;
			filters.push(or(like(diskOfferings.name, pattern), like(diskOfferings.displayText, pattern)));
		}
		if (params.zoneid) {
			filters.push(or(isNull(diskOfferings.zoneIds), listContains(diskOfferings.zoneIds, params.zoneid)));
		}
		if (params.domainid) {
			const domain = await requireDomain(deps.db, params.domainid);
			if (!canAccessDomain(caller, domain)) throw permissionDenied(`The caller has no access to domain ${domain.id}`);
			filters.push(listContains(diskOfferings.domainIds, domain.id));
		}
		if (params.storagetype) filters.push(eq(diskOfferings.storageType, parseStorageType(params.storagetype)));
		if (params.encrypt !== undefined) filters.push(eq(diskOfferings.encrypt, params.encrypt));
		filters.push(tagFilter(deps.db, "DiskOffering", diskOfferings.id, params.tags));
		const { rows, count } = await listPage(
			deps.db,
			diskOfferings,
			and(...filters),
			[diskOfferings.sortKey, diskOfferings.created, diskOfferings.id],
			window,
		);
		const items = await diskOfferingItems(deps.db, rows);
		return { type: "list", name: "diskoffering", items, count };
	},
});
