/**
 * @module The queue consumer: one attempt per message. Before it: the delivery must still be open,
 * its webhook must exist and be Enabled (else the delivery fails without an attempt), earlier open
 * deliveries of the same webhook for the same resource go first, the payload URL passes the egress
 * check again, and one conditional UPDATE (a lease on `next_attempt`) makes one consumer its owner.
 * After it: 2xx → Succeeded; 410 → Failed, webhook Disabled, alert; anything else → Retrying
 * with backoff (Retry-After on 429/503) or, past the retry window, Failed. Every attempt rewrites
 * the row (headers, status, response excerpt, duration, attempts, next attempt) and, in the same
 * batch, adds its own row to `webhook_delivery_attempts` (the per-attempt log).
 */
import { logError } from "../lib/log";
import { alertWebhookDisabled } from "./alert";
import { deliveryHeaders, headerText, postOnce } from "./attempt";
import { checkPayloadUrl } from "./egress";
import { DELIVERY_STATE, type DeliveryMessage, type EngineDeps, OPEN_STATES_SQL } from "./engine";
import { pruneDeliveries } from "./prune";
import { MAX_QUEUE_DELAY_SECONDS, nextAttemptAt } from "./retry";

/** How long an attempt owns its delivery beyond the timeout (another message waits meanwhile). */
const LEASE_MARGIN_MS = 30_000;
/** How soon a delivery waiting behind an earlier one for the same resource looks again. */
const ORDER_WAIT_SECONDS = 1;
/** Queues stop redelivering a message after max_retries (100): past this, send a fresh one. */
const FRESH_MESSAGE_AFTER = 90;

interface DeliveryRow {
	id: string;
	seq: number;
	webhook_id: string;
	event_id: string | null;
	event_type: string;
	state: string;
	attempts: number;
	payload: string;
	next_attempt: number | null;
	start_date: number;
	webhook_state: string | null;
	payload_url: string | null;
	secret_key_enc: string | null;
	webhook_name: string | null;
	webhook_domain: string | null;
	event_account: string | null;
	event_resource: string | null;
	event_created: number | null;
	/** The next attempt of an earlier open delivery for the same webhook and resource, if any. */
	blocker_next: number | null;
}

/** A delivery whose attempt this consumer owns (`attempts` already counts it). */
type ClaimedRow = Pick<
	DeliveryRow,
	| "id"
	| "webhook_id"
	| "event_id"
	| "event_type"
	| "attempts"
	| "payload"
	| "start_date"
	| "payload_url"
	| "secret_key_enc"
	| "webhook_name"
	| "event_account"
	| "event_created"
>;

/** What to do with the message: ack it, or see it again in `retryInSeconds`. */
export type Outcome =
	/** `finished`: the webhook whose delivery just ended (its log is pruned after the batch). */
	{ ack: true; reason: string; finished?: string } | { ack: false; retryInSeconds: number; reason: string };

const ack = (reason: string): Outcome => ({ ack: true, reason });
const later = (seconds: number, reason: string): Outcome => ({
	ack: false,
	retryInSeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil(seconds))),
	reason,
});

async function loadDelivery(deps: EngineDeps, id: string): Promise<DeliveryRow | null> {
	return deps.d1
		.prepare(
			`SELECT d.id, d.rowid AS seq, d.webhook_id, d.event_id, d.event_type, d.state, d.attempts, d.payload,
			        d.next_attempt, d.start_date, w.state AS webhook_state, w.payload_url, w.secret_key_enc,
			        w.name AS webhook_name, w.domain_id AS webhook_domain, e.account_id AS event_account,
			        e.resource_id AS event_resource, e.created AS event_created,
			        (SELECT COALESCE(b.next_attempt, 0) FROM webhook_deliveries b JOIN events be ON be.id = b.event_id
			          WHERE e.resource_id IS NOT NULL AND b.webhook_id = d.webhook_id AND b.state IN ${OPEN_STATES_SQL}
			            AND b.rowid < d.rowid AND be.resource_id = e.resource_id
			          ORDER BY b.rowid LIMIT 1) AS blocker_next
			   FROM webhook_deliveries d
			   LEFT JOIN webhooks w ON w.id = d.webhook_id
			   LEFT JOIN events e ON e.id = d.event_id
			  WHERE d.id = ?`,
		)
		.bind(id)
		.first<DeliveryRow>();
}

/** Ends a delivery without an attempt (webhook gone or disabled, URL refused). */
async function failWithoutAttempt(deps: EngineDeps, row: DeliveryRow, reason: string): Promise<void> {
	const now = deps.now();
	await deps.d1
		.prepare(
			`UPDATE webhook_deliveries SET state = '${DELIVERY_STATE.failed}', success = 0, response = ?, next_attempt = NULL,
			        end_date = ? WHERE id = ? AND state IN ${OPEN_STATES_SQL}`,
		)
		.bind(reason, now, row.id)
		.run();
}

const CLAIMED_FIELDS = `id, webhook_id, event_id, event_type, state, attempts, payload, next_attempt,
	start_date, (SELECT payload_url FROM webhooks WHERE id = webhook_id) AS payload_url,
	(SELECT secret_key_enc FROM webhooks WHERE id = webhook_id) AS secret_key_enc,
	(SELECT name FROM webhooks WHERE id = webhook_id) AS webhook_name,
	(SELECT account_id FROM events WHERE id = event_id) AS event_account,
	(SELECT created FROM events WHERE id = event_id) AS event_created`;

/**
 * The common case in one statement: take the attempt if the delivery is open and due, its webhook
 * Enabled and no earlier open delivery of the same webhook and resource waits. Taking it moves
 * `next_attempt` past the timeout (a lease), so a second message for the same delivery finds it
 * not due: two messages cannot both make the attempt.
 */
async function claimDue(deps: EngineDeps, id: string, now: number): Promise<ClaimedRow | null> {
	const lease = now + deps.settings.int("webhook.delivery.timeout") * 1000 + LEASE_MARGIN_MS;
	return deps.d1
		.prepare(
			`UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt = ?1, start_date = ?2
			  WHERE id = ?3 AND state IN ${OPEN_STATES_SQL} AND (next_attempt IS NULL OR next_attempt <= ?4)
			    AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id AND w.state = 'Enabled')
			    AND NOT EXISTS (
			      SELECT 1 FROM webhook_deliveries b JOIN events be ON be.id = b.event_id
			       WHERE b.webhook_id = webhook_deliveries.webhook_id AND b.state IN ${OPEN_STATES_SQL}
			         AND b.rowid < webhook_deliveries.rowid
			         AND be.resource_id = (SELECT resource_id FROM events WHERE id = webhook_deliveries.event_id))
			 RETURNING ${CLAIMED_FIELDS}`,
		)
		.bind(lease, now, id, now + 500)
		.first<ClaimedRow>();
}

/** Drives one delivery one step; never throws for a receiver's fault. */
export async function processDelivery(deps: EngineDeps, deliveryId: string): Promise<Outcome> {
	const claimed = await claimDue(deps, deliveryId, deps.now());
	if (claimed) return attempt(deps, claimed);
	// Not taken: find out why (gone, final, webhook deleted or disabled, not due, waiting in line).
	const row = await loadDelivery(deps, deliveryId);
	if (!row) return ack("delivery no longer exists");
	if (row.state !== DELIVERY_STATE.pending && row.state !== DELIVERY_STATE.retrying) return ack("already final");
	if (row.webhook_state === null) {
		await failWithoutAttempt(deps, row, "Webhook deleted: the delivery was not attempted");
		return ack("webhook deleted");
	}
	if (row.webhook_state !== "Enabled") {
		await failWithoutAttempt(deps, row, "Webhook disabled: the delivery was not attempted");
		return ack("webhook disabled");
	}
	const now = deps.now();
	if (row.next_attempt !== null && row.next_attempt > now + 500) {
		return later((row.next_attempt - now) / 1000, "not due yet");
	}
	if (row.blocker_next !== null) {
		const leaseMs = deps.settings.int("webhook.delivery.timeout") * 1000 + LEASE_MARGIN_MS;
		// Behind a scheduled retry: wake just after it. Behind an attempt in flight: look again soon.
		const wait =
			row.blocker_next - now > leaseMs ? (row.blocker_next - now) / 1000 + ORDER_WAIT_SECONDS : ORDER_WAIT_SECONDS;
		await deps.d1
			.prepare(`UPDATE webhook_deliveries SET next_attempt = ? WHERE id = ? AND state IN ${OPEN_STATES_SQL}`)
			.bind(now + Math.ceil(wait) * 1000, row.id)
			.run();
		return later(wait, "waiting for an earlier delivery of the same resource");
	}
	// Claimable after all: another consumer's attempt ended in between. Look again shortly.
	return later(ORDER_WAIT_SECONDS, "state changed while claiming");
}

async function attempt(deps: EngineDeps, row: ClaimedRow): Promise<Outcome> {
	const now = deps.now();
	const timeout = deps.settings.int("webhook.delivery.timeout");
	let url: string;
	try {
		url = checkPayloadUrl(row.payload_url ?? "", deps.settings);
	} catch (error) {
		// Refused before any request left: the claim does not count as an attempt.
		await deps.d1
			.prepare(
				`UPDATE webhook_deliveries SET state = '${DELIVERY_STATE.failed}', success = 0, response = ?,
				        attempts = attempts - 1, next_attempt = NULL, end_date = ? WHERE id = ?`,
			)
			.bind(error instanceof Error ? error.message : "Payload URL refused", now, row.id)
			.run();
		return { ack: true, reason: "payload URL refused", finished: row.webhook_id };
	}
	const secret = row.secret_key_enc ? await deps.secrets.open(row.secret_key_enc) : null;
	const headers = await deliveryHeaders({
		messageId: row.id,
		eventId: row.event_id ?? row.id,
		eventType: row.event_type,
		accountId: row.event_account,
		payload: row.payload,
		secret,
		nowMs: now,
	});
	const result = await postOnce(url, headers, row.payload, timeout, deps.now);
	const end = deps.now();
	let state: string = DELIVERY_STATE.succeeded;
	let next: number | null = null;
	if (!result.success) {
		state = DELIVERY_STATE.failed;
		if (result.status !== 410) {
			next = nextAttemptAt({
				attempts: row.attempts,
				status: result.status,
				retryAfter: result.retryAfter,
				now: end,
				firstAttemptAt: row.event_created ?? row.start_date,
				baseSeconds: deps.settings.int("webhook.delivery.retry.base"),
				windowSeconds: deps.settings.int("webhook.delivery.retry.window"),
				random: deps.random(),
			});
			if (next !== null) state = DELIVERY_STATE.retrying;
		}
	}
	const sent = headerText(headers);
	// The delivery's row and its attempt log change together: one batch is one transaction.
	await deps.d1.batch([
		deps.d1
			.prepare(
				`UPDATE webhook_deliveries SET state = ?, success = ?, headers = ?, response_status = ?, response = ?,
				        duration_ms = ?, next_attempt = ?, end_date = ? WHERE id = ?`,
			)
			.bind(state, result.success ? 1 : 0, sent, result.status, result.response, result.durationMs, next, end, row.id),
		deps.d1
			.prepare(
				// Not for a delivery deleted while its attempt was in flight (it would be an orphan).
				`INSERT INTO webhook_delivery_attempts (id, delivery_id, attempt, headers, response_status, response,
				        duration_ms, success, start_date, end_date)
				 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?2)`,
			)
			.bind(
				crypto.randomUUID(),
				row.id,
				row.attempts,
				sent,
				result.status,
				result.response,
				result.durationMs,
				result.success ? 1 : 0,
				now,
				end,
			),
	]);
	if (result.status === 410) await disableWebhook(deps, row, url);
	if (next !== null) return later((next - end) / 1000, `receiver answered ${result.status ?? "nothing"}`);
	return { ack: true, reason: result.success ? "delivered" : "failed", finished: row.webhook_id };
}

/** 410 Gone: the receiver asks never to be called again. */
async function disableWebhook(deps: EngineDeps, row: ClaimedRow, url: string): Promise<void> {
	const changed = await deps.d1
		.prepare("UPDATE webhooks SET state = 'Disabled' WHERE id = ? AND state = 'Enabled' RETURNING id")
		.bind(row.webhook_id)
		.first();
	if (!changed) return;
	await alertWebhookDisabled(deps, {
		webhookId: row.webhook_id,
		name: row.webhook_name ?? row.webhook_id,
		url,
	});
}

/** The queue handler: every message of the batch is worked on at once; one failure never blocks another. */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, deps: EngineDeps): Promise<void> {
	const finished = new Set<string>();
	await Promise.all(
		batch.messages.map(async (message) => {
			let outcome: Outcome;
			try {
				const id = message.body?.deliveryId;
				outcome = typeof id === "string" ? await processDelivery(deps, id) : ack("malformed message");
			} catch (error) {
				logError(`webhook-delivery:${message.id}`, "webhook delivery step failed", error);
				outcome = later(5, "internal error");
			}
			if (outcome.ack) {
				if (outcome.finished) finished.add(outcome.finished);
				message.ack();
			} else if (message.attempts >= FRESH_MESSAGE_AFTER) {
				await deps.queue.send(message.body, { delaySeconds: outcome.retryInSeconds });
				message.ack();
			} else {
				message.retry({ delaySeconds: outcome.retryInSeconds });
			}
		}),
	);
	const limit = deps.settings.int("webhook.deliveries.limit");
	for (const webhookId of finished) await pruneDeliveries(deps.db, webhookId, limit);
}
