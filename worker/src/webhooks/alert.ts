/** @module The alert raised when a receiver answers 410 Gone and its webhook is disabled. */
import { raiseAlert } from "../db/alerts";
import { ALERT_TYPE } from "../domain/alert-types";
import type { EngineDeps } from "./engine";

export async function alertWebhookDisabled(
	deps: EngineDeps,
	webhook: { webhookId: string; name: string; url: string },
): Promise<void> {
	await raiseAlert(deps.db, deps.now(), {
		type: ALERT_TYPE.WEBHOOK_DISABLED,
		subject: `Webhook ${webhook.name} (${webhook.webhookId}) disabled: its receiver answered 410 Gone`,
		description: `Webhook ${webhook.name} (${webhook.webhookId}) was disabled because ${webhook.url} answered 410 Gone to a delivery; re-enable it with updateWebhook state=Enabled.`,
	});
}
