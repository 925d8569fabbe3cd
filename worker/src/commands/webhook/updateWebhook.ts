import { eq } from "drizzle-orm";
import { WEBHOOK_FIELDS } from "../../api/serializers/webhook";
import { eventInsert } from "../../db/events";
import { webhooks } from "../../db/schema";
import { checkPayloadUrl } from "../../webhooks/egress";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import {
	checkPayloadUrlFree,
	checkScopeForOwner,
	checkSslVerification,
	managedWebhook,
	parseEventTypes,
	parseScope,
	parseState,
	WEBHOOK_RELATED,
	webhookResponse,
} from "./webhook-rules";

export const updateWebhook = defineCommand({
	name: "updateWebhook",
	description: "Updates a Webhook",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the Webhook", { required: true, related: "listWebhooks" }),
		name: p.string("Name for the Webhook"),
		description: p.string("Description for the Webhook"),
		state: p.string("State of the Webhook"),
		payloadurl: p.string("Payload URL of the Webhook"),
		secretkey: p.string("Secret key of the Webhook; an empty value removes it"),
		sslverification: p.boolean("If set to true then SSL verification will be done for the Webhook otherwise not"),
		scope: p.string("Scope of the Webhook: Local, Domain (root and domain admin owners) or Global (root admin owners)"),
		eventtypes: p.string(
			"Comma-separated event types to deliver; an empty value delivers all events (flarestack extension)",
			{ length: 4096 },
		),
	},
	responseFields: WEBHOOK_FIELDS,
	related: WEBHOOK_RELATED,
	async handle({ params, deps, caller }) {
		const { webhook, owner } = await managedWebhook(deps.db, caller, params.id);
		const changes: Partial<typeof webhooks.$inferInsert> = {};
		if (params.name?.trim()) changes.name = params.name.trim();
		if (params.description !== undefined) changes.description = params.description || null;
		if (params.state?.trim()) changes.state = parseState(params.state);
		if (params.scope?.trim()) {
			const scope = parseScope(params.scope);
			checkScopeForOwner(scope, owner);
			changes.scope = scope;
		}
		if (params.payloadurl?.trim()) {
			const payloadUrl = checkPayloadUrl(params.payloadurl, deps.settings);
			await checkPayloadUrlFree(deps.db, webhook.accountId, payloadUrl, webhook.id);
			changes.payloadUrl = payloadUrl;
		}
		if (params.sslverification !== undefined) changes.sslVerification = params.sslverification;
		checkSslVerification(changes.payloadUrl ?? webhook.payloadUrl, changes.sslVerification ?? webhook.sslVerification);
		if (params.eventtypes !== undefined) changes.eventTypes = parseEventTypes(params.eventtypes);
		if (params.secretkey !== undefined) {
			changes.secretKeyEnc = params.secretkey === "" ? null : await deps.secrets.seal(params.secretkey);
		}
		if (Object.keys(changes).length > 0) {
			const now = deps.clock.now();
			const name = changes.name ?? webhook.name;
			await deps.db.batch([
				deps.db.update(webhooks).set(changes).where(eq(webhooks.id, webhook.id)),
				eventInsert(deps.db, now, caller, {
					type: "WEBHOOK.UPDATE",
					description: `Webhook ${name} updated`,
					resourceType: "Webhook",
					resourceId: webhook.id,
					resourceName: name,
					owner: { accountId: webhook.accountId, domainId: webhook.domainId },
				}),
			]);
		}
		return { type: "object", name: "webhook", value: await webhookResponse(deps.db, webhook.id) };
	},
});
