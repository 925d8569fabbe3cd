import { and, asc, count, desc, eq, like, or, type SQL } from "drizzle-orm";
import {
	serializeWebhookDelivery,
	WEBHOOK_DELIVERY_FIELDS,
	type WebhookDeliveryAttemptRow,
} from "../../api/serializers/webhook-delivery";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { scopeCondition } from "../../db/repos/scope";
import { webhookDeliveries, webhookDeliveryAttempts, webhooks } from "../../db/schema";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { deliveryFilterParams, deliveryFilters } from "./delivery-filters";
import { visibleWebhook } from "./webhook-rules";

export const listWebhookDeliveries = defineCommand({
	name: "listWebhookDeliveries",
	description: "Lists Webhook deliveries, newest first",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		...deliveryFilterParams,
		eventtype: p.string("The event type of the Webhook delivery"),
		...pagingParams,
	},
	responseFields: WEBHOOK_DELIVERY_FIELDS,
	related: ["executeWebhookDelivery"],
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		if (params.webhookid) await visibleWebhook(deps.db, caller, params.webhookid, "webhookid");
		const filters: (SQL | undefined)[] = [
			// Only deliveries of webhooks the caller may see; a root or read-only admin also sees
			// those of webhooks deleted since (the join finds no webhook for them).
			await scopeCondition(deps.db, caller, {}, { accountId: webhooks.accountId, domainId: webhooks.domainId }),
			...deliveryFilters(params),
		];
		if (params.eventtype?.trim()) filters.push(eq(webhookDeliveries.eventType, params.eventtype.trim().toUpperCase()));
		if (params.keyword) {
			filters.push(
				or(like(webhookDeliveries.eventType, `%${params.keyword}%`), like(webhooks.name, `%${params.keyword}%`)),
			);
		}
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db
				.select({ delivery: webhookDeliveries, webhookName: webhooks.name })
				.from(webhookDeliveries)
				.leftJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
				.where(where)
				.orderBy(desc(webhookDeliveries.startDate), desc(webhookDeliveries.id))
				.limit(limit)
				.offset(offset),
			deps.db
				.select({ n: count() })
				.from(webhookDeliveries)
				.leftJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
				.where(where),
		]);
		const attempts = await attemptsOf(
			deps.db,
			rows.map((r) => r.delivery.id),
		);
		const items = rows.map(({ delivery, webhookName }) =>
			serializeWebhookDelivery(delivery, webhookName, attempts.get(delivery.id) ?? []),
		);
		return { type: "list", name: "webhookdelivery", items, count: total?.n ?? 0 };
	},
});

/** The attempts of a page's deliveries, oldest first, in one query (a page may exceed D1's 100 bound parameters). */
async function attemptsOf(db: Db, deliveryIds: string[]): Promise<Map<string, WebhookDeliveryAttemptRow[]>> {
	const byDelivery = new Map<string, WebhookDeliveryAttemptRow[]>();
	if (deliveryIds.length === 0) return byDelivery;
	const rows = await db
		.select()
		.from(webhookDeliveryAttempts)
		.where(inIds(webhookDeliveryAttempts.deliveryId, deliveryIds))
		.orderBy(asc(webhookDeliveryAttempts.deliveryId), asc(webhookDeliveryAttempts.attempt));
	for (const row of rows) {
		const list = byDelivery.get(row.deliveryId);
		if (list) list.push(row);
		else byDelivery.set(row.deliveryId, [row]);
	}
	return byDelivery;
}
