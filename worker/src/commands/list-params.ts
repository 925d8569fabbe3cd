/** @module Parameters every list command inherits (BaseListCmd and friends), and paging. */
import { CsError, ERROR } from "../api/errors";
import type { Settings } from "../domain/settings";
import { p } from "./param-spec";

export const pagingParams = {
	keyword: p.string("List by keyword"),
	page: p.integer("The page number, starting at 1"),
	pagesize: p.integer("The number of items per page"),
};

export const domainScopeParams = {
	listall: p.boolean("If true, list everything the caller may see; otherwise only resources of the caller's account"),
	domainid: p.uuid("List only resources belonging to this domain", { related: "listDomains" }),
	isrecursive: p.boolean("With domainid: include the domain's sub-domains"),
	account: p.string("List resources by account name; must be used with domainid"),
};

/** Offset and limit for `page`/`pagesize`, capped by `default.page.size` as CloudStack does. */
export function pageWindow(
	params: { page?: number | undefined; pagesize?: number | undefined },
	settings: Settings,
): { limit: number; offset: number } {
	const max = settings.int("default.page.size");
	const size = params.pagesize ?? max;
	if (size > max) {
		throw new CsError(ERROR.paramError, `Page size can't exceed max allowed page size value: ${max}`);
	}
	if (size < 1) throw new CsError(ERROR.paramError, "Page size must be a positive number");
	const page = params.page ?? 1;
	if (page < 1) throw new CsError(ERROR.paramError, "Page number must be a positive number");
	return { limit: size, offset: size * (page - 1) };
}
