/**
 * @module The outbox publisher: events written with `published = 0` are matched to Enabled
 * webhooks, get one Pending delivery row per match and one queue message per delivery. Runs after
 * every API request (waitUntil) and every minute from the cron trigger.
 *
 * Idempotent under races: in one D1 batch (one transaction) the delivery rows are inserted only
 * for events still unpublished (INSERT OR IGNORE … WHERE EXISTS … published = 0 RETURNING, with
 * ids derived from (event, webhook) as a second guard), then the events are marked with the
 * compare-and-set `UPDATE … WHERE published = 0 RETURNING`. A second publisher that read the
 * same events inserts nothing and sends nothing. Should the queue send
 * fail after the commit, the rows stay Pending and `resendStale` sends them again.
 */

import { chunks } from "../lib/chunks";
import { DELIVERY_STATE, type DeliveryMessage, type EngineDeps, OPEN_STATES_SQL } from "./engine";
import { webhookMatches } from "./matcher";
import { eventPayload } from "./payload";

/** Events per round (each round is one D1 batch), and rounds per call. */
const EVENTS_PER_ROUND = 50;
const MAX_ROUNDS = 20;
/** D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = 14;
const IDS_PER_UPDATE = 90;
/** A queue sendBatch carries at most 100 messages. */
const MESSAGES_PER_SEND = 100;
/** An open delivery whose next attempt is this far overdue has lost its message. */
export const STALE_AFTER_MS = 120_000;

interface EventRow {
	id: string;
	type: string;
	state: string;
	level: string;
	description: string;
	user_id: string | null;
	account_id: string | null;
	domain_id: string | null;
	resource_type: string | null;
	resource_id: string | null;
	resource_name: string | null;
	created: number;
	domain_path: string | null;
}

interface WebhookRow {
	id: string;
	state: string;
	scope: string;
	account_id: string;
	event_types: string | null;
	domain_path: string | null;
}

/** A UUID-shaped id that is the same for the same (event, webhook) pair. */
export async function deliveryIdFor(eventId: string, webhookId: string): Promise<string> {
	const digest = new Uint8Array(
		await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${eventId}:${webhookId}`)),
	);
	const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
	// Version 8 (custom) and the RFC 4122 variant, so it reads as a UUID everywhere.
	const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function sendDeliveries(queue: Queue<DeliveryMessage>, ids: readonly string[]): Promise<void> {
	for (let i = 0; i < ids.length; i += MESSAGES_PER_SEND) {
		await queue.sendBatch(ids.slice(i, i + MESSAGES_PER_SEND).map((deliveryId) => ({ body: { deliveryId } })));
	}
}

async function loadHooks(deps: EngineDeps): Promise<WebhookRow[]> {
	const { results } = await deps.d1
		.prepare(
			`SELECT w.id, w.state, w.scope, w.account_id, w.event_types, d.path AS domain_path
			   FROM webhooks w LEFT JOIN domains d ON d.id = w.domain_id WHERE w.state = 'Enabled'`,
		)
		.all<WebhookRow>();
	return results;
}

async function publishRound(deps: EngineDeps, cache: { hooks?: WebhookRow[] }) {
	const { results: events } = await deps.d1
		.prepare(
			`SELECT e.id, e.type, e.state, e.level, e.description, e.user_id, e.account_id, e.domain_id,
			        e.resource_type, e.resource_id, e.resource_name, e.created, d.path AS domain_path
			   FROM events e LEFT JOIN domains d ON d.id = e.domain_id
			  WHERE e.published = 0 ORDER BY e.created, e.rowid LIMIT ?`,
		)
		.bind(EVENTS_PER_ROUND)
		.all<EventRow>();
	if (events.length === 0) return { events: 0, deliveries: 0, more: false };
	cache.hooks ??= await loadHooks(deps);
	const hooks = cache.hooks;
	const now = deps.now();
	const rows: unknown[][] = [];
	for (const event of events) {
		const matches = hooks.filter((hook) =>
			webhookMatches(
				{
					state: hook.state,
					scope: hook.scope,
					accountId: hook.account_id,
					domainPath: hook.domain_path ?? "\u0000",
					eventTypes: hook.event_types,
				},
				{ type: event.type, accountId: event.account_id, domainPath: event.domain_path },
			),
		);
		if (matches.length === 0) continue;
		const payload = eventPayload({
			id: event.id,
			type: event.type,
			state: event.state,
			level: event.level,
			description: event.description,
			userId: event.user_id,
			accountId: event.account_id,
			domainId: event.domain_id,
			resourceType: event.resource_type,
			resourceId: event.resource_id,
			resourceName: event.resource_name,
			created: event.created,
		});
		for (const hook of matches) {
			rows.push([await deliveryIdFor(event.id, hook.id), hook.id, event.id, event.type, payload, now, now]);
		}
	}
	const statements: D1PreparedStatement[] = chunks(rows, ROWS_PER_INSERT).map((part) =>
		deps.d1
			.prepare(
				// Only for events still unpublished inside this transaction: a publisher that lost the
				// race inserts nothing, even if the winner's rows were already delivered and pruned.
				`INSERT OR IGNORE INTO webhook_deliveries
				   (id, webhook_id, event_id, event_type, state, attempts, payload, success, start_date, next_attempt)
				 SELECT column1, column2, column3, column4, '${DELIVERY_STATE.pending}', 0, column5, 0, column6, column7
				   FROM (VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")})
				  WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = column3 AND e.published = 0)
				 RETURNING id`,
			)
			.bind(...part.flat()),
	);
	for (const part of chunks(events, IDS_PER_UPDATE)) {
		statements.push(
			deps.d1
				.prepare(
					`UPDATE events SET published = 1 WHERE published = 0 AND id IN (${part.map(() => "?").join(", ")}) RETURNING id`,
				)
				.bind(...part.map((e) => e.id)),
		);
	}
	const results = await deps.d1.batch<{ id: string }>(statements);
	const inserted = results.slice(0, statements.length - Math.ceil(events.length / IDS_PER_UPDATE));
	const ids = inserted.flatMap((r) => r.results.map((row) => row.id));
	const marked = results.slice(inserted.length).reduce((n, r) => n + r.results.length, 0);
	await sendDeliveries(deps.queue, ids);
	return { events: marked, deliveries: ids.length, more: events.length === EVENTS_PER_ROUND };
}

/** Publishes pending events; returns how many events this call marked and deliveries it queued. */
export async function publishEvents(deps: EngineDeps): Promise<{ events: number; deliveries: number }> {
	const cache: { hooks?: WebhookRow[] } = {};
	const total = { events: 0, deliveries: 0 };
	for (let round = 0; round < MAX_ROUNDS; round++) {
		const result = await publishRound(deps, cache);
		total.events += result.events;
		total.deliveries += result.deliveries;
		if (!result.more) break;
	}
	return total;
}

/** Re-sends messages for open deliveries whose next attempt is long overdue (a lost message). */
export async function resendStale(deps: EngineDeps): Promise<number> {
	const { results } = await deps.d1
		.prepare(
			`SELECT id FROM webhook_deliveries WHERE state IN ${OPEN_STATES_SQL} AND next_attempt < ? ORDER BY rowid LIMIT 1000`,
		)
		.bind(deps.now() - STALE_AFTER_MS)
		.all<{ id: string }>();
	await sendDeliveries(
		deps.queue,
		results.map((r) => r.id),
	);
	return results.length;
}

/** How long one isolate's publishing loop may keep going for requests that arrived meanwhile. */
const COALESCE_MS = 10_000;
let inFlight: { since: number } | null = null;
let again = false;

/**
 * The hook after an API request: one publisher per isolate at a time. A request that arrives while
 * one runs only asks it to go round once more (its events are then published by that loop), so a
 * busy isolate does not race itself for the same events. Other isolates still may: the
 * compare-and-set keeps that correct. A loop older than COALESCE_MS is presumed gone.
 */
export async function publishAfterRequest(deps: EngineDeps): Promise<void> {
	const now = Date.now();
	if (inFlight && now - inFlight.since < COALESCE_MS) {
		again = true;
		return;
	}
	const mine = { since: now };
	inFlight = mine;
	try {
		do {
			again = false;
			await publishEvents(deps);
		} while (again && Date.now() - mine.since < COALESCE_MS);
	} finally {
		if (inFlight === mine) inFlight = null;
	}
}
