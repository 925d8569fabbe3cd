import { and, asc, count, eq, like, or, type SQL } from "drizzle-orm";
import { serializeWebhook, WEBHOOK_FIELDS } from "../../api/serializers/webhook";
import { scopeCondition } from "../../db/repos/scope";
import { accounts, domains, webhooks } from "../../db/schema";
import { defineCommand } from "../define";
import { domainScopeParams, pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { parseScope, parseState, WEBHOOK_RELATED } from "./webhook-rules";

export const listWebhooks = defineCommand({
	name: "listWebhooks",
	description: "Lists Webhooks",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the Webhook", { related: "listWebhooks" }),
		state: p.string("The state of the Webhook"),
		name: p.string("The name of the Webhook"),
		scope: p.string("The scope of the Webhook"),
		...domainScopeParams,
		...pagingParams,
	},
	responseFields: WEBHOOK_FIELDS,
	related: WEBHOOK_RELATED,
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [
			// BaseListProjectAndAccountResourcesCmd: without listall (or an id) an admin sees its own webhooks.
			await scopeCondition(
				deps.db,
				caller,
				params,
				{ accountId: webhooks.accountId, domainId: webhooks.domainId },
				{ ownByDefault: params.id === undefined },
			),
		];
		if (params.id) filters.push(eq(webhooks.id, params.id));
		if (params.name) filters.push(eq(webhooks.name, params.name));
		if (params.state?.trim()) filters.push(eq(webhooks.state, parseState(params.state)));
		if (params.scope?.trim()) filters.push(eq(webhooks.scope, parseScope(params.scope)));
		if (params.keyword) {
			filters.push(or(like(webhooks.name, `%${params.keyword}%`), like(webhooks.description, `%${params.keyword}%`)));
		}
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select({ webhook: webhooks, account: accounts.name, domain: domains.name, domainPath: domains.path })
				.from(webhooks)
				.leftJoin(accounts, eq(accounts.id, webhooks.accountId))
				.leftJoin(domains, eq(domains.id, webhooks.domainId))
				.where(where)
				.orderBy(asc(webhooks.created), asc(webhooks.id))
				.limit(limit)
				.offset(offset),
			deps.db.select({ n: count() }).from(webhooks).where(where),
		]);
		const items = rows.map(({ webhook, account, domain, domainPath }) =>
			serializeWebhook(webhook, { account, domain, domainPath }),
		);
		return { type: "list", name: "webhook", items, count: total?.n ?? 0 };
	},
});
