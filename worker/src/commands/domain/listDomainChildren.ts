import { and, count, eq, like, ne, type SQL } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { DOMAIN_FIELDS } from "../../api/serializers/domain";
import { requireDomain, serializeDomains, subtreeCondition } from "../../db/repos/domains";
import { domains } from "../../db/schema";
import { canAccessDomain } from "../../domain/access";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listDomainChildren = defineCommand({
	name: "listDomainChildren",
	description: "Lists all children domains belonging to a specified domain",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("list children of the domain by the ID of the parent; default is the caller's domain", {
			related: "listDomains",
		}),
		name: p.string("list children domains by name"),
		isrecursive: p.boolean(
			'to return the entire tree, use the value "true". To return the first level children, use the value "false".',
		),
		listall: p.boolean(
			"If set to false, list only resources belonging to the command's caller; if set to true - list resources that the caller is authorized to see. Default value is false",
		),
		...pagingParams,
	},
	responseFields: DOMAIN_FIELDS,
	related: ["listDomains"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const parent = await requireDomain(deps.db, params.id ?? caller.domainId, "id");
		if (!canAccessDomain(caller, parent)) {
			throw permissionDenied(`The caller has no access to domain ${parent.id}`);
		}
		const filters: (SQL | undefined)[] = [
			params.isrecursive
				? and(subtreeCondition(parent.path), ne(domains.id, parent.id))
				: and(eq(domains.parentId, parent.id), subtreeCondition("/")),
		];
		if (params.name) filters.push(eq(domains.name, params.name));
		if (params.keyword) filters.push(like(domains.name, `%${params.keyword}%`));
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db.select().from(domains).where(where).orderBy(domains.path).limit(limit).offset(offset),
			deps.db.select({ n: count() }).from(domains).where(where),
		]);
		return { type: "list", name: "domain", items: await serializeDomains(deps.db, rows), count: total?.n ?? 0 };
	},
});
