import { and, eq, inArray, type SQL } from "drizzle-orm";
import { invalidParam, permissionDenied } from "../../api/errors";
import { webhookDeliveries, webhookDeliveryAttempts, webhooks } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { defineCommand } from "../define";
import { deliveryFilterParams, deliveryFilters } from "./delivery-filters";
import { manageableWebhooksCondition, managedWebhook } from "./webhook-rules";

export const deleteWebhookDelivery = defineCommand({
	name: "deleteWebhookDelivery",
	description:
		"Deletes Webhook deliveries: one by id, those of one Webhook, or all the caller may manage, optionally within a date range",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: deliveryFilterParams,
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["listWebhookDeliveries"],
	async handle({ params, deps, caller }) {
		if (params.id) {
			const [delivery] = await deps.db
				.select({ webhookId: webhookDeliveries.webhookId, webhookExists: webhooks.id })
				.from(webhookDeliveries)
				.leftJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
				.where(eq(webhookDeliveries.id, params.id))
				.limit(1);
			if (!delivery) throw invalidParam("id", params.id);
			if (delivery.webhookExists) await managedWebhook(deps.db, caller, delivery.webhookId);
			else if (!isRootAdmin(caller)) {
				throw permissionDenied(`The caller does not have permission to delete webhook delivery ${params.id}`);
			}
		}
		if (params.webhookid) await managedWebhook(deps.db, caller, params.webhookid, "webhookid");
		const scope = manageableWebhooksCondition(deps.db, caller);
		const filters: (SQL | undefined)[] = [
			scope && inArray(webhookDeliveries.webhookId, deps.db.select({ id: webhooks.id }).from(webhooks).where(scope)),
			...deliveryFilters(params),
		];
		const where = and(...filters);
		// The deliveries' attempts go with them, in the same transaction (no orphans).
		await deps.db.batch([
			deps.db
				.delete(webhookDeliveryAttempts)
				.where(
					inArray(
						webhookDeliveryAttempts.deliveryId,
						deps.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(where),
					),
				),
			deps.db.delete(webhookDeliveries).where(where),
		]);
		return { type: "success" };
	},
});
