/** @module The delivery-log filters listWebhookDeliveries and deleteWebhookDelivery share. */
import { eq, gte, lte, type SQL } from "drizzle-orm";
import { webhookDeliveries } from "../../db/schema";
import { p } from "../param-spec";

export const deliveryFilterParams = {
	id: p.uuid("The ID of the Webhook delivery", { related: "listWebhookDeliveries" }),
	webhookid: p.uuid("The ID of the Webhook", { related: "listWebhooks" }),
	startdate: p.date(
		'The start date range for the Webhook delivery (use format "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss"). All deliveries started at or after it.',
	),
	enddate: p.date(
		'The end date range for the Webhook delivery (use format "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss"). All deliveries started at or before it (a date alone means that whole day).',
	),
};

/** Conditions for `id`, `webhookid` and the start-date range (on when a delivery started). */
export function deliveryFilters(params: {
	id?: string | undefined;
	webhookid?: string | undefined;
	startdate?: number | undefined;
	enddate?: number | undefined;
}): SQL[] {
	const filters: SQL[] = [];
	if (params.id) filters.push(eq(webhookDeliveries.id, params.id));
	if (params.webhookid) filters.push(eq(webhookDeliveries.webhookId, params.webhookid));
	if (params.startdate !== undefined) filters.push(gte(webhookDeliveries.startDate, params.startdate));
	if (params.enddate !== undefined) {
		const end = params.enddate + (params.enddate % 86_400_000 === 0 ? 86_399_999 : 0);
		filters.push(lte(webhookDeliveries.startDate, end));
	}
	return filters;
}
