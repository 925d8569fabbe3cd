import { and, eq, inArray } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { webhookDeliveries, webhooks } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { managedWebhook } from "./webhook-rules";

/** Deliveries still queued or waiting for a retry; deleting their webhook ends them. */
export const OPEN_DELIVERY_STATES = ["Pending", "Retrying"];

export const deleteWebhook = defineCommand({
	name: "deleteWebhook",
	description: "Deletes a Webhook",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the Webhook", { required: true, related: "listWebhooks" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["listWebhooks", "createWebhook"],
	async handle({ params, deps, caller }) {
		const { webhook } = await managedWebhook(deps.db, caller, params.id);
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(webhooks).where(eq(webhooks.id, webhook.id)),
			// The delivery log stays (root admins still see it); queued deliveries end here and the
			// consumer skips any message whose webhook is gone.
			deps.db
				.update(webhookDeliveries)
				.set({ state: "Failed", success: false, response: "webhook deleted", nextAttempt: null, endDate: now })
				.where(
					and(eq(webhookDeliveries.webhookId, webhook.id), inArray(webhookDeliveries.state, OPEN_DELIVERY_STATES)),
				),
			eventInsert(deps.db, now, caller, {
				type: "WEBHOOK.DELETE",
				description: `Webhook ${webhook.name} deleted`,
				resourceType: "Webhook",
				resourceId: webhook.id,
				resourceName: webhook.name,
				owner: { accountId: webhook.accountId, domainId: webhook.domainId },
			}),
		]);
		return { type: "success" };
	},
});
