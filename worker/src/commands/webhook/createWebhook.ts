import { CsError, ERROR } from "../../api/errors";
import { WEBHOOK_FIELDS } from "../../api/serializers/webhook";
import { eventInsert } from "../../db/events";
import { webhooks } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { checkPayloadUrl } from "../../webhooks/egress";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { resourceOwner } from "../resource-owner";
import {
	checkPayloadUrlFree,
	checkScopeForOwner,
	checkSslVerification,
	parseEventTypes,
	parseScope,
	parseState,
	WEBHOOK_RELATED,
	webhookResponse,
} from "./webhook-rules";

export const createWebhook = defineCommand({
	name: "createWebhook",
	description: "Creates a Webhook",
	since: "4.20.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("Name for the Webhook", { required: true }),
		description: p.string("Description for the Webhook"),
		state: p.string("State of the Webhook"),
		account: p.string("An optional account for the Webhook. Must be used with domainId."),
		domainid: p.uuid(
			"an optional domainId for the Webhook. If the account parameter is used, domainId must also be used.",
			{ related: "listDomains" },
		),
		payloadurl: p.string("Payload URL of the Webhook", { required: true }),
		secretkey: p.string("Secret key of the Webhook"),
		sslverification: p.boolean("If set to true then SSL verification will be done for the Webhook otherwise not"),
		scope: p.string(
			"Scope of the Webhook: Local (default), Domain (root and domain admin owners) or Global (root admin owners)",
		),
		eventtypes: p.string(
			"Comma-separated event types to deliver, e.g. VM.CREATE,VM.DESTROY; all events when absent or empty (flarestack extension)",
			{ length: 4096 },
		),
	},
	responseFields: WEBHOOK_FIELDS,
	related: WEBHOOK_RELATED,
	async handle({ params, deps, caller }) {
		const name = params.name.trim();
		if (name === "")
			throw new CsError(ERROR.paramError, "Unable to execute API command createwebhook due to missing parameter name");
		const owner = await resourceOwner(deps.db, caller, params, "create webhooks");
		const scope = params.scope?.trim() ? parseScope(params.scope) : "Local";
		checkScopeForOwner(scope, owner);
		const state = params.state?.trim() ? parseState(params.state) : "Enabled";
		const payloadUrl = checkPayloadUrl(params.payloadurl, deps.settings);
		await checkPayloadUrlFree(deps.db, owner.id, payloadUrl);
		const sslVerification = params.sslverification ?? false;
		checkSslVerification(payloadUrl, sslVerification);
		const eventTypes = parseEventTypes(params.eventtypes ?? "");
		const now = deps.clock.now();
		const id = newUuid();
		await deps.db.batch([
			deps.db.insert(webhooks).values({
				id,
				name,
				description: params.description ?? null,
				state,
				scope,
				payloadUrl,
				secretKeyEnc: params.secretkey ? await deps.secrets.seal(params.secretkey) : null,
				sslVerification,
				eventTypes,
				accountId: owner.id,
				domainId: owner.domainId,
				created: now,
			}),
			eventInsert(deps.db, now, caller, {
				type: "WEBHOOK.CREATE",
				description: `Webhook ${name} created`,
				resourceType: "Webhook",
				resourceId: id,
				resourceName: name,
				owner: { accountId: owner.id, domainId: owner.domainId },
			}),
		]);
		return { type: "object", name: "webhook", value: await webhookResponse(deps.db, id) };
	},
});
