/**
 * @module listTemplates and listIsos: CloudStack's filters (featured, self, selfexecutable,
 * sharedexecutable, executable, community, shared, all) over what the caller may see, one row per
 * image and zone copy, paged.
 */
import { and, eq, isNull, ne, or, type SQL } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { scopeCondition } from "../../db/repos/scope";
import { imageListPage, sharedWith, visibleImages } from "../../db/repos/templates";
import { templateStores, templates } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { type Caller, visibleSubtree } from "../../domain/access";
import { isUuid } from "../../lib/ids";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import type { CommandResult, Deps } from "../types";
import { type ImageKind, imageItems } from "./image-rules";

const FILTERS = [
	"featured",
	"self",
	"selfexecutable",
	"sharedexecutable",
	"executable",
	"community",
	"shared",
	"all",
] as const;
type Filter = (typeof FILTERS)[number];

/** Parameters both list commands take (the filter itself is named per command). */
export const imageListParams = {
	id: p.uuid("the ID of the image", { related: "listTemplates" }),
	ids: p.list("the IDs of the images, comma-separated", { since: "4.9" }),
	name: p.string("the name of the image"),
	zoneid: p.uuid("list images in this zone", { related: "listZones" }),
	isready: p.boolean("list only images that are ready to be used (downloaded)"),
	showremoved: p.boolean("show removed images as well"),
	arch: p.string("the CPU arch of the images", { since: "4.20" }),
	projectid: p.uuid("not supported: flarestack has no projects"),
	...domainScopeParams,
	...pagingParams,
};

export interface ImageListParams {
	id?: string | undefined;
	ids?: string[] | undefined;
	name?: string | undefined;
	zoneid?: string | undefined;
	isready?: boolean | undefined;
	showremoved?: boolean | undefined;
	arch?: string | undefined;
	projectid?: string | undefined;
	listall?: boolean | undefined;
	domainid?: string | undefined;
	isrecursive?: boolean | undefined;
	account?: string | undefined;
	keyword?: string | undefined;
	page?: number | undefined;
	pagesize?: number | undefined;
	hypervisor?: string | undefined;
	bootable?: boolean | undefined;
	ispublic?: boolean | undefined;
	templatetype?: string | undefined;
}

export function parseFilter(raw: string, param: string): Filter {
	const value = raw.trim().toLowerCase();
	const known = FILTERS.find((f) => f === value);
	if (!known) {
		throw new CsError(ERROR.paramError, `Invalid ${param} ${raw}: use one of ${FILTERS.join(", ")}`);
	}
	return known;
}

const ready = eq(templateStores.state, "Ready");

/** The filter as SQL on templates (and, for the *executable ones, on the zone copy). */
async function filterCondition(
	db: Db,
	caller: Caller,
	filter: Filter,
	params: ImageListParams,
	param: string,
): Promise<SQL | undefined> {
	const columns = { accountId: templates.accountId, domainId: templates.domainId };
	const self = () => scopeCondition(db, caller, params, columns, { ownByDefault: true });
	switch (filter) {
		case "featured":
			return eq(templates.isFeatured, true);
		case "community":
			return and(eq(templates.isPublic, true), eq(templates.isFeatured, false));
		case "self":
			return self();
		case "selfexecutable":
			return and(await self(), ready);
		case "shared":
			return sharedWith(db, caller.accountId);
		case "sharedexecutable":
			return and(sharedWith(db, caller.accountId), ready);
		case "executable":
			return ready;
		case "all":
			if (visibleSubtree(caller) === null) {
				throw new CsError(ERROR.paramError, `Filter all can be specified by admin only (${param})`);
			}
			// Everything visible (subtree, public, shared), unless domainid/account narrow it to owners.
			return params.domainid || params.account ? scopeCondition(db, caller, params, columns) : undefined;
	}
}

export async function listImages(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	filter: Filter,
	param: string,
	params: ImageListParams,
): Promise<CommandResult> {
	if (params.projectid !== undefined) {
		throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
	}
	const window = pageWindow(params, deps.settings);
	const { db } = deps;
	const filters: (SQL | undefined)[] = [
		eq(templates.isIso, kind.isIso),
		params.showremoved ? undefined : isNull(templates.removed),
		visibleImages(db, caller),
		await filterCondition(db, caller, filter, params, param),
	];
	if (params.id) filters.push(eq(templates.id, params.id));
	if (params.ids) {
		const ids = params.ids.map((v) => v.toLowerCase());
		const bad = ids.find((v) => !isUuid(v));
		if (bad !== undefined) throw invalidParam("ids", bad);
		filters.push(inIds(templates.id, ids));
	}
	if (params.name) filters.push(eqNoCase(templates.name, params.name.trim()));
	if (params.keyword) {
		filters.push(or(containsText(templates.name, params.keyword), containsText(templates.displayText, params.keyword)));
	}
	if (params.arch) filters.push(eq(templates.arch, params.arch.trim().toLowerCase()));
	if (params.hypervisor && !kind.isIso) filters.push(eqNoCase(templates.hypervisor, params.hypervisor.trim()));
	if (params.bootable !== undefined) filters.push(eq(templates.bootable, params.bootable));
	if (params.ispublic !== undefined) filters.push(eq(templates.isPublic, params.ispublic));
	if (params.templatetype) filters.push(eqNoCase(templates.templateType, params.templatetype.trim()));
	const storeFilters: (SQL | undefined)[] = [];
	if (params.zoneid) storeFilters.push(eq(templateStores.zoneId, params.zoneid));
	if (params.isready !== undefined)
		storeFilters.push(params.isready ? ready : or(isNull(templateStores.state), ne(templateStores.state, "Ready")));
	const { rows, count } = await imageListPage(db, and(...filters), and(...storeFilters), window);
	const items = await imageItems(db, kind, rows);
	return { type: "list", name: kind.item, items, count };
}
