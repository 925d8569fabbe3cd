import { and, count, eq, like, type SQL } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { DOMAIN_FIELDS } from "../../api/serializers/domain";
import { requireDomain, serializeDomains, subtreeCondition } from "../../db/repos/domains";
import { domains } from "../../db/schema";
import { canAccessDomain, visibleSubtree } from "../../domain/access";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listDomains = defineCommand({
	name: "listDomains",
	description: "Lists domains: the caller's own domain, or with listall=true every domain the caller may see",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("List domain by domain ID.", { related: "listDomains" }),
		level: p.integer("List domains by domain level."),
		name: p.string("List domain by domain name."),
		listall: p.boolean(
			"If set to false, list only resources belonging to the command's caller; if set to true - list resources that the caller is authorized to see. Default value is false",
		),
		...pagingParams,
	},
	responseFields: DOMAIN_FIELDS,
	related: ["createDomain", "updateDomain"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const subtree = visibleSubtree(caller);
		const filters: (SQL | undefined)[] = [];
		if (params.id) {
			const target = await requireDomain(deps.db, params.id, "id");
			if (!canAccessDomain(caller, target)) throw permissionDenied(`The caller has no access to domain ${target.id}`);
			filters.push(eq(domains.id, params.id));
		} else if (params.listall && subtree !== null) {
			filters.push(subtreeCondition(subtree === "/" ? "/" : caller.domainPath));
		} else {
			filters.push(eq(domains.id, caller.domainId));
		}
		filters.push(subtreeCondition("/"));
		if (params.level !== undefined) filters.push(eq(domains.level, params.level));
		if (params.name) filters.push(eq(domains.name, params.name));
		if (params.keyword) filters.push(like(domains.name, `%${params.keyword}%`));
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db.select().from(domains).where(where).orderBy(domains.path).limit(limit).offset(offset),
			deps.db.select({ n: count() }).from(domains).where(where),
		]);
		const items = await serializeDomains(deps.db, rows);
		return { type: "list", name: "domain", items, count: total?.n ?? 0 };
	},
});
