/**
 * @module executeWebhookDelivery: one synchronous attempt, made inline. `id` re-sends a stored
 * delivery (same payload, recorded as a new delivery in the log); `webhookid` sends a test
 * payload to that webhook, optionally to another URL or with another secret; `payloadurl` alone
 * tests any URL. Tests are not stored. The payload URL passes the same egress check as a webhook's.
 */
import { eq } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { compact, csDate } from "../../api/serializers/format";
import {
	MANAGEMENT_SERVER,
	serializeWebhookDelivery,
	WEBHOOK_DELIVERY_FIELDS,
} from "../../api/serializers/webhook-delivery";
import { events, webhookDeliveries, webhookDeliveryAttempts } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { deliveryHeaders, headerText, postOnce } from "../../webhooks/attempt";
import { checkPayloadUrl } from "../../webhooks/egress";
import { TEST_PAYLOAD } from "../../webhooks/payload";
import { pruneDeliveries } from "../../webhooks/prune";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { checkSslVerification, managedWebhook } from "./webhook-rules";

/** The event type test deliveries carry (CloudStack's EVENT_WEBHOOK_TEST). */
export const TEST_EVENT_TYPE = "TEST.WEBHOOK";

export const executeWebhookDelivery = defineCommand({
	name: "executeWebhookDelivery",
	description: "Executes a Webhook delivery",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the Webhook delivery for redelivery", { related: "listWebhookDeliveries" }),
		webhookid: p.uuid("The ID of the Webhook", { related: "listWebhooks" }),
		payloadurl: p.string("Payload URL of the Webhook delivery"),
		secretkey: p.string("The secret key for the Webhook delivery"),
		sslverification: p.boolean("If set to true then SSL verification will be done for the Webhook delivery"),
		payload: p.string("Payload of the Webhook delivery", { length: 65_535 }),
	},
	responseFields: WEBHOOK_DELIVERY_FIELDS,
	related: ["listWebhookDeliveries"],
	async handle({ params, deps, caller }) {
		if (!params.id && !params.webhookid && !params.payloadurl?.trim()) {
			throw new CsError(ERROR.paramError, "One of the id, webhookid or payloadurl parameters must be specified");
		}
		if (params.id && (params.webhookid || params.payloadurl)) {
			throw new CsError(ERROR.paramError, "id (a redelivery) cannot be combined with webhookid or payloadurl");
		}
		const timeout = deps.settings.int("webhook.delivery.timeout");

		if (params.id) {
			const stored = await deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, params.id)).get();
			if (!stored) throw invalidParam("id", params.id);
			const { webhook } = await managedWebhook(deps.db, caller, stored.webhookId, "id");
			const url = checkPayloadUrl(webhook.payloadUrl, deps.settings);
			const event = stored.eventId
				? await deps.db.select({ accountId: events.accountId }).from(events).where(eq(events.id, stored.eventId)).get()
				: undefined;
			const id = newUuid();
			const start = deps.clock.now();
			const headers = await deliveryHeaders({
				messageId: id,
				eventId: stored.eventId ?? id,
				eventType: stored.eventType,
				accountId: event?.accountId ?? webhook.accountId,
				payload: stored.payload,
				secret: webhook.secretKeyEnc ? await deps.secrets.open(webhook.secretKeyEnc) : null,
				nowMs: start,
			});
			const result = await postOnce(url, headers, stored.payload, timeout, () => deps.clock.now());
			const row = {
				id,
				webhookId: webhook.id,
				eventId: stored.eventId,
				eventType: stored.eventType,
				state: result.success ? "Succeeded" : "Failed",
				attempts: 1,
				headers: headerText(headers),
				payload: stored.payload,
				success: result.success,
				responseStatus: result.status,
				response: result.response,
				durationMs: result.durationMs,
				nextAttempt: null,
				startDate: start,
				endDate: start + result.durationMs,
			};
			const attempt = {
				id: newUuid(),
				deliveryId: id,
				attempt: 1,
				headers: row.headers,
				responseStatus: row.responseStatus,
				response: row.response,
				durationMs: row.durationMs,
				success: row.success,
				startDate: row.startDate,
				endDate: row.endDate,
			};
			await deps.db.batch([
				deps.db.insert(webhookDeliveries).values(row),
				deps.db.insert(webhookDeliveryAttempts).values(attempt),
			]);
			await pruneDeliveries(deps.db, webhook.id, deps.settings.int("webhook.deliveries.limit"));
			return {
				type: "object",
				name: "webhookdelivery",
				value: serializeWebhookDelivery(row, webhook.name, [attempt]),
			};
		}

		const found = params.webhookid ? await managedWebhook(deps.db, caller, params.webhookid, "webhookid") : null;
		const rawUrl = params.payloadurl?.trim() || found?.webhook.payloadUrl || "";
		const url = checkPayloadUrl(rawUrl, deps.settings);
		checkSslVerification(url, params.sslverification ?? found?.webhook.sslVerification ?? false);
		let secret: string | null = params.secretkey ?? null;
		if (secret === null && found?.webhook.secretKeyEnc) secret = await deps.secrets.open(found.webhook.secretKeyEnc);
		const payload = params.payload ?? TEST_PAYLOAD;
		const messageId = newUuid();
		const start = deps.clock.now();
		const headers = await deliveryHeaders({
			messageId,
			eventId: messageId,
			eventType: TEST_EVENT_TYPE,
			accountId: found?.webhook.accountId ?? caller.accountId,
			payload,
			secret: secret === "" ? null : secret,
			nowMs: start,
		});
		const result = await postOnce(url, headers, payload, timeout, () => deps.clock.now());
		return {
			type: "object",
			name: "webhookdelivery",
			value: compact({
				eventtype: TEST_EVENT_TYPE,
				webhookid: found?.webhook.id,
				webhookname: found?.webhook.name,
				managementserverid: MANAGEMENT_SERVER.id,
				managementservername: MANAGEMENT_SERVER.name,
				headers: headerText(headers),
				payload,
				success: result.success,
				response: result.response,
				startdate: csDate(start),
				enddate: csDate(start + result.durationMs),
				responsestatus: result.status,
				duration: result.durationMs,
			}),
		};
	},
});
