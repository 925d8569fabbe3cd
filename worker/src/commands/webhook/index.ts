import { createWebhook } from "./createWebhook";
import { deleteWebhook } from "./deleteWebhook";
import { deleteWebhookDelivery } from "./deleteWebhookDelivery";
import { executeWebhookDelivery } from "./executeWebhookDelivery";
import { listWebhookDeliveries } from "./listWebhookDeliveries";
import { listWebhooks } from "./listWebhooks";
import { updateWebhook } from "./updateWebhook";

export const webhookCommands = [
	createWebhook,
	listWebhooks,
	updateWebhook,
	deleteWebhook,
	listWebhookDeliveries,
	deleteWebhookDelivery,
	executeWebhookDelivery,
];
