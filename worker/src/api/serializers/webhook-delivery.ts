/** @module webhook_deliveries → CloudStack `webhookdelivery` (WebhookDeliveryResponse), plus our retry fields. */
import type { FieldTable } from "../../commands/types";
import type { webhookDeliveries, webhookDeliveryAttempts } from "../../db/schema";
import { compact, csDate } from "./format";

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryAttemptRow = typeof webhookDeliveryAttempts.$inferSelect;

/** flarestack has no management-server fleet: one fixed id and name stand for the control plane. */
export const MANAGEMENT_SERVER = { id: "flarestack", name: "flarestack" } as const;

export const WEBHOOK_DELIVERY_FIELDS = {
	id: ["string", "The ID of the Webhook delivery"],
	eventid: ["string", "The ID of the event"],
	eventtype: ["string", "The type of the event"],
	webhookid: ["string", "The ID of the Webhook"],
	webhookname: ["string", "The name of the Webhook"],
	managementserverid: ["string", "The ID of the management server which executed delivery"],
	managementservername: ["string", "The name of the management server which executed delivery"],
	headers: ["string", "The headers of the webhook delivery"],
	payload: ["string", "The payload of the webhook delivery"],
	success: ["boolean", "Whether Webhook delivery succeeded or not"],
	response: ["string", "The response of the webhook delivery"],
	startdate: ["date", "The start time of the Webhook delivery"],
	enddate: ["date", "The end time of the Webhook delivery"],
	state: ["string", "Pending, Retrying, Succeeded or Failed (flarestack extension)"],
	attempts: ["integer", "How many attempts were made (flarestack extension)"],
	responsestatus: ["integer", "The HTTP status of the last attempt's response (flarestack extension)"],
	duration: ["long", "Milliseconds the last attempt took (flarestack extension)"],
	attempt: [
		"list",
		"Every attempt, oldest first: attempt, success, responsestatus, response, duration, headers, startdate, enddate (flarestack extension)",
	],
} as const satisfies FieldTable;

/** The fields of one entry of a delivery's `attempt` list. */
export const WEBHOOK_DELIVERY_ATTEMPT_FIELDS = {
	attempt: ["integer", "The attempt's number, from 1"],
	success: ["boolean", "Whether the attempt succeeded (a 2xx answer)"],
	responsestatus: ["integer", "The HTTP status of the response, absent when none came"],
	response: ["string", "The first 1 KiB of the response body, or the error text"],
	duration: ["long", "Milliseconds the attempt took"],
	headers: ["string", "The request headers sent, newline-joined"],
	startdate: ["date", "When the attempt started"],
	enddate: ["date", "When the attempt ended"],
} as const satisfies FieldTable;

export function serializeWebhookDeliveryAttempt(row: WebhookDeliveryAttemptRow): Record<string, unknown> {
	return compact({
		attempt: row.attempt,
		success: row.success,
		responsestatus: row.responseStatus,
		response: row.response,
		duration: row.durationMs,
		headers: row.headers,
		startdate: csDate(row.startDate),
		enddate: row.endDate === null ? undefined : csDate(row.endDate),
	} satisfies Record<keyof typeof WEBHOOK_DELIVERY_ATTEMPT_FIELDS, unknown>);
}

/**
 * `webhookName` is null when the webhook has been deleted since. `attempts` (oldest first) gives
 * the `attempt` list; without it the field is left out.
 */
export function serializeWebhookDelivery(
	row: WebhookDeliveryRow,
	webhookName: string | null,
	attempts?: readonly WebhookDeliveryAttemptRow[],
): Record<string, unknown> {
	return compact({
		id: row.id,
		eventid: row.eventId,
		eventtype: row.eventType,
		webhookid: row.webhookId,
		webhookname: webhookName,
		managementserverid: MANAGEMENT_SERVER.id,
		managementservername: MANAGEMENT_SERVER.name,
		headers: row.headers,
		payload: row.payload,
		success: row.success,
		response: row.response,
		startdate: csDate(row.startDate),
		enddate: row.endDate === null ? undefined : csDate(row.endDate),
		state: row.state,
		attempts: row.attempts,
		responsestatus: row.responseStatus,
		duration: row.durationMs,
		attempt: attempts?.map(serializeWebhookDeliveryAttempt),
	} satisfies Record<keyof typeof WEBHOOK_DELIVERY_FIELDS, unknown>);
}
