import { and, asc, count, eq, like, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { CsError, ERROR } from "../../api/errors";
import { serializeTagView, TAG_FIELDS } from "../../api/serializers/tag";
import { scopeCondition } from "../../db/repos/scope";
import { accounts, domains, resourceTags } from "../../db/schema";
import { resourceTypeName } from "../../domain/taggable";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

/** String filters compare case-insensitively, as CloudStack's MySQL collation does. */
function equalsIgnoreCase(column: SQLiteColumn, value: string): SQL {
	return sql`${column} = ${value} COLLATE NOCASE`;
}

export const listTags = defineCommand({
	name: "listTags",
	description: "List resource tag(s)",
	since: "4.0.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		resourcetype: p.string("list by resource type"),
		resourceid: p.string("list by resource id"),
		key: p.string("list by key"),
		value: p.string("list by value"),
		customer: p.string("list by customer name"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: TAG_FIELDS,
	related: ["createTags", "deleteTags"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			// BaseListProjectAndAccountResourcesCmd: without listall an admin sees its own account's tags.
			await scopeCondition(
				deps.db,
				caller,
				params,
				{ accountId: resourceTags.accountId, domainId: resourceTags.domainId },
				{ ownByDefault: true },
			),
		];
		if (params.resourcetype) {
			const type = resourceTypeName(params.resourcetype);
			if (type === undefined) throw new CsError(ERROR.paramError, `Invalid resource type ${params.resourcetype}`);
			filters.push(eq(resourceTags.resourceType, type));
		}
		if (params.resourceid) filters.push(eq(resourceTags.resourceId, params.resourceid.trim().toLowerCase()));
		if (params.key) filters.push(equalsIgnoreCase(resourceTags.key, params.key));
		if (params.value) filters.push(equalsIgnoreCase(resourceTags.value, params.value));
		if (params.customer) filters.push(equalsIgnoreCase(resourceTags.customer, params.customer));
		if (params.keyword) {
			filters.push(or(like(resourceTags.key, `%${params.keyword}%`), like(resourceTags.value, `%${params.keyword}%`)));
		}
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select({ tag: resourceTags, account: accounts.name, domain: domains.name, domainPath: domains.path })
				.from(resourceTags)
				.leftJoin(accounts, eq(accounts.id, resourceTags.accountId))
				.leftJoin(domains, eq(domains.id, resourceTags.domainId))
				.where(where)
				.orderBy(asc(resourceTags.created), asc(resourceTags.id))
				.limit(limit)
				.offset(offset),
			deps.db.select({ n: count() }).from(resourceTags).where(where),
		]);
		const items = rows.map(({ tag, account, domain, domainPath }) =>
			serializeTagView(tag, { account, domain, domainPath }),
		);
		return { type: "list", name: "tag", items, count: total?.n ?? 0 };
	},
});
