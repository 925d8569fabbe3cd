/**
 * @module webhooks → CloudStack `webhook` (WebhookResponse). The signing secret is never shown:
 * CloudStack returns `secretkey`, we return only `hassecretkey`.
 */
import type { FieldTable } from "../../commands/types";
import type { webhooks } from "../../db/schema";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export type WebhookRow = typeof webhooks.$inferSelect;

export const WEBHOOK_FIELDS = {
	id: ["string", "The ID of the Webhook"],
	name: ["string", "The name of the Webhook"],
	description: ["string", "The description of the Webhook"],
	state: ["string", "The state of the Webhook"],
	domainid: ["string", "The ID of the domain in which the Webhook exists"],
	domain: ["string", "The name of the domain in which the Webhook exists"],
	domainpath: ["string", "path of the domain to which the Webhook belongs"],
	account: ["string", "The account associated with the Webhook"],
	payloadurl: ["string", "The payload URL end point for the Webhook"],
	hassecretkey: [
		"boolean",
		"Whether deliveries are signed with a secret key (the key itself is never returned; flarestack extension)",
	],
	sslverification: ["boolean", "Whether SSL verification is enabled for the Webhook"],
	scope: ["string", "The scope of the Webhook"],
	eventtypes: [
		"string",
		"Comma-separated event types delivered to the Webhook; absent means all (flarestack extension)",
	],
	created: ["date", "The date when this Webhook was created"],
} as const satisfies FieldTable;

export interface WebhookOwnerNames {
	account: string | null;
	domain: string | null;
	domainPath: string | null;
}

export function serializeWebhook(row: WebhookRow, owner: WebhookOwnerNames): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		description: row.description,
		state: row.state,
		domainid: row.domainId,
		domain: owner.domain,
		domainpath: owner.domainPath ? displayPath(owner.domainPath) : undefined,
		account: owner.account,
		payloadurl: row.payloadUrl,
		hassecretkey: row.secretKeyEnc !== null,
		sslverification: row.sslVerification,
		scope: row.scope,
		eventtypes: row.eventTypes,
		created: csDate(row.created),
	} satisfies Record<keyof typeof WEBHOOK_FIELDS, unknown>);
}
