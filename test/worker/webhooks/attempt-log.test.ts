/**
 * The per-attempt delivery log (webhook_delivery_attempts): the consumer records every attempt it
 * makes (not a refused URL, which is no attempt), listWebhookDeliveries shows them per delivery,
 * oldest first, read for a whole page at once, and pruning, deleteWebhookDelivery and resends keep
 * the log without orphans. The consumer is driven directly with a stubbed `fetch` receiver, as in
 * engine.test.ts; the webhooks, written straight into D1, only match this file's own event type,
 * so no API request's waitUntil publishes anything behind the test's back.
 */
import { env } from "cloudflare:workers";
import { eq, inArray, notInArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { events, webhookDeliveries, webhookDeliveryAttempts, webhooks } from "../../../worker/src/db/schema";
import { settingsFrom } from "../../../worker/src/domain/settings";
import { createSecretBox } from "../../../worker/src/lib/crypto";
import { processDelivery } from "../../../worker/src/webhooks/consumer";
import type { DeliveryMessage, EngineDeps } from "../../../worker/src/webhooks/engine";
import { pruneDeliveries } from "../../../worker/src/webhooks/prune";
import { publishEvents } from "../../../worker/src/webhooks/publisher";
import { buildWorld, call, listItems, ok, type World } from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
const box = createSecretBox(env.SECRET_KEK);
const EVENT_TYPE = "TEST.ATTEMPTLOG";
let world: World;

class FakeQueue {
	sent: DeliveryMessage[] = [];
	async send(body: DeliveryMessage) {
		this.sent.push(body);
	}
	async sendBatch(messages: Iterable<{ body: DeliveryMessage }>) {
		for (const m of messages) this.sent.push(m.body);
	}
}

let clock = Date.UTC(2026, 11, 1, 12, 0, 0);
function engine(overrides: Record<string, string> = {}): EngineDeps & { fake: FakeQueue } {
	const queue = new FakeQueue();
	return {
		d1: env.DB,
		db,
		queue: queue as unknown as Queue<DeliveryMessage>,
		settings: settingsFrom(
			new Map(
				Object.entries({
					"webhook.delivery.retry.base": "2",
					"webhook.delivery.retry.window": "3600",
					"webhook.delivery.timeout": "2",
					...overrides,
				}),
			),
		),
		secrets: box,
		now: () => clock,
		random: () => 0.5,
		fake: queue,
	};
}

let requests = 0;
/** Replaces `fetch` with a receiver that answers by call number (1-based, per test) and message id. */
function receiver(answer: (n: number, messageId: string) => Response) {
	requests = 0;
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input as RequestInfo, init as RequestInit);
		await request.text();
		requests++;
		return answer(requests, request.headers.get("webhook-id") ?? "");
	});
}

/** Fails each delivery's first attempt, accepts the second. */
function failFirst(): (n: number, messageId: string) => Response {
	const seen = new Set<string>();
	return (_n, messageId) => {
		if (seen.has(messageId)) return new Response("ok");
		seen.add(messageId);
		return new Response("no", { status: 500 });
	};
}

afterEach(async () => {
	vi.restoreAllMocks();
	// Each test's events match only that test's webhook.
	await db.delete(webhooks).where(eq(webhooks.eventTypes, EVENT_TYPE));
});

/** A Local webhook of alice's that only this file's event type matches. */
async function webhook(values: Partial<typeof webhooks.$inferInsert> = {}): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(webhooks).values({
		id,
		name: `log-${id.slice(0, 8)}`,
		payloadUrl: `http://log-${id.slice(0, 8)}.receiver.example/hook`,
		accountId: world.alice.accountId,
		domainId: world.alice.domainId,
		scope: "Local",
		eventTypes: EVENT_TYPE,
		secretKeyEnc: await box.seal("log-secret"),
		created: clock,
		...values,
	});
	return id;
}

async function event(): Promise<void> {
	await db.insert(events).values({
		id: crypto.randomUUID(),
		type: EVENT_TYPE,
		state: "Completed",
		level: "INFO",
		description: "attempt log",
		userId: world.alice.userId,
		accountId: world.alice.accountId,
		domainId: world.alice.domainId,
		resourceType: "Domain",
		resourceId: crypto.randomUUID(),
		resourceName: "x",
		created: clock,
	});
}

/** Publishes, then drives every queued message (and the retries it asks for) until none are due. */
async function drain(deps: ReturnType<typeof engine>): Promise<void> {
	await publishEvents(deps);
	const queue = deps.fake.sent.splice(0).map((m) => ({ id: m.deliveryId, at: clock }));
	for (let step = 0; step < 200 && queue.length > 0; step++) {
		queue.sort((a, b) => a.at - b.at);
		const next = queue.shift();
		if (!next) break;
		clock = Math.max(clock, next.at);
		const outcome = await processDelivery(deps, next.id);
		if (!outcome.ack) queue.push({ id: next.id, at: clock + outcome.retryInSeconds * 1000 });
	}
}

async function deliveryIdsOf(webhookId: string): Promise<string[]> {
	const rows = await db
		.select({ id: webhookDeliveries.id })
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.webhookId, webhookId));
	return rows.map((r) => r.id);
}

async function attemptsOf(deliveryIds: string[]) {
	if (deliveryIds.length === 0) return [];
	return db.select().from(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, deliveryIds));
}

/** Attempt rows whose delivery no longer exists. */
async function orphans(): Promise<number> {
	const rows = await db
		.select({ id: webhookDeliveryAttempts.id })
		.from(webhookDeliveryAttempts)
		.where(
			notInArray(webhookDeliveryAttempts.deliveryId, db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)),
		);
	return rows.length;
}

function listDeliveries(webhookId: string): Promise<Obj[]> {
	return listItems(world.alice, "listWebhookDeliveries", "webhookdelivery", { webhookid: webhookId });
}

/** Two failures, then a success: the receiver of most tests here. */
const failTwice = (n: number) =>
	n === 1
		? new Response("<html>oops</html>", { status: 500 })
		: n === 2
			? new Response("slow down", { status: 503, headers: { "retry-after": "5" } })
			: new Response("thanks", { status: 200 });

beforeAll(async () => {
	world = await buildWorld();
});

describe("the attempt log", () => {
	it("records every attempt of a receiver that fails twice, then succeeds, and lists them oldest first", async () => {
		const hook = await webhook();
		await event();
		const start = clock;
		receiver(failTwice);
		await drain(engine());
		expect(requests).toBe(3);
		const [deliveryId = ""] = await deliveryIdsOf(hook);
		const rows = (await attemptsOf([deliveryId])).sort((a, b) => a.attempt - b.attempt);
		expect(rows.map((r) => [r.attempt, r.responseStatus, r.success])).toEqual([
			[1, 500, false],
			[2, 503, false],
			[3, 200, true],
		]);
		expect(rows.map((r) => r.response)).toEqual(["<html>oops</html>", "slow down", "thanks"]);
		// Backoff 1 s after the first failure, Retry-After 5 s after the second.
		expect(rows.map((r) => (r.startDate - start) / 1000)).toEqual([0, 1, 6]);
		for (const row of rows) {
			expect(row.headers).toContain(`X-CS-Event: ${EVENT_TYPE}`);
			expect(row.headers).toContain("X-CS-Signature: ");
			expect(row.headers).not.toContain("log-secret");
			expect(row.durationMs).toBeGreaterThanOrEqual(0);
			expect(row.endDate).toBeGreaterThanOrEqual(row.startDate);
		}

		const [listed] = await listDeliveries(hook);
		expect(listed).toMatchObject({ id: deliveryId, state: "Succeeded", attempts: 3, responsestatus: 200 });
		expect(listed.attempt).toHaveLength(3);
		expect(listed.attempt.map((a: Obj) => a.attempt)).toEqual([1, 2, 3]);
		expect(listed.attempt.map((a: Obj) => a.responsestatus)).toEqual([500, 503, 200]);
		expect(listed.attempt.map((a: Obj) => a.success)).toEqual([false, false, true]);
		expect(listed.attempt[0]).toMatchObject({ response: "<html>oops</html>", duration: rows[0]?.durationMs });
		expect(listed.attempt[0].headers).toContain(`X-CS-Event: ${EVENT_TYPE}`);
		expect(listed.attempt[0].startdate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
		expect(listed.attempt[2].enddate).toBe(listed.enddate);
		// The delivery's own fields still show the last attempt.
		expect(listed.headers).toBe(listed.attempt[2].headers);
	});

	it("records an attempt without a response (network error) with no status", async () => {
		const hook = await webhook();
		await event();
		receiver((n) => {
			if (n === 1) throw new TypeError("Network connection lost.");
			return new Response("ok");
		});
		await drain(engine());
		const [listed] = await listDeliveries(hook);
		expect(listed.attempt).toHaveLength(2);
		expect(listed.attempt[0].responsestatus).toBeUndefined();
		expect(listed.attempt[0].response).toContain("Network connection lost");
		expect(listed.attempt[1]).toMatchObject({ attempt: 2, success: true, responsestatus: 200 });
	});

	it("records nothing for a refused payload URL or a delivery not yet attempted", async () => {
		const refused = await webhook({ payloadUrl: "http://169.254.169.254/latest/meta-data" });
		await event();
		receiver(() => new Response("ok"));
		await drain(engine());
		expect(requests).toBe(0);
		const ids = await deliveryIdsOf(refused);
		expect(ids).toHaveLength(1);
		expect(await attemptsOf(ids)).toEqual([]);
		const [listed] = await listDeliveries(refused);
		expect(listed).toMatchObject({ state: "Failed", attempts: 0 });
		expect(listed.attempt).toEqual([]);
	});

	it("reads the attempts of a page larger than D1's 100 bound parameters", async () => {
		const hook = await webhook();
		const deliveries = Array.from({ length: 150 }, (_, i) => ({
			id: crypto.randomUUID(),
			webhookId: hook,
			eventType: EVENT_TYPE,
			state: "Succeeded",
			attempts: 1,
			payload: "{}",
			success: true,
			startDate: clock + i,
		}));
		for (let i = 0; i < deliveries.length; i += 10)
			await db.insert(webhookDeliveries).values(deliveries.slice(i, i + 10));
		const attempts = deliveries.map((d) => ({
			id: crypto.randomUUID(),
			deliveryId: d.id,
			attempt: 1,
			responseStatus: 200,
			response: "ok",
			durationMs: 1,
			success: true,
			startDate: d.startDate,
			endDate: d.startDate + 1,
		}));
		for (let i = 0; i < attempts.length; i += 10)
			await db.insert(webhookDeliveryAttempts).values(attempts.slice(i, i + 10));
		const listed = await listItems(world.alice, "listWebhookDeliveries", "webhookdelivery", {
			webhookid: hook,
			pagesize: "200",
		});
		expect(listed).toHaveLength(150);
		expect(listed.every((d: Obj) => d.attempt?.length === 1 && d.attempt[0].responsestatus === 200)).toBe(true);
	});
});

describe("no orphans", () => {
	it("pruning deletes the attempts of the deliveries it deletes", async () => {
		const hook = await webhook();
		for (let i = 0; i < 3; i++) await event();
		receiver(failFirst());
		await drain(engine());
		const before = await deliveryIdsOf(hook);
		expect(before).toHaveLength(3);
		expect(await attemptsOf(before)).toHaveLength(6);
		await pruneDeliveries(db, hook, 1);
		const kept = await deliveryIdsOf(hook);
		expect(kept).toHaveLength(1);
		const left = await attemptsOf(before);
		expect(left).toHaveLength(2);
		expect(left.every((a) => a.deliveryId === kept[0])).toBe(true);
		expect(await orphans()).toBe(0);
	});

	it("deleteWebhookDelivery deletes the attempts of the deliveries it deletes, by id and by webhook", async () => {
		const hook = await webhook();
		for (let i = 0; i < 3; i++) await event();
		receiver(failFirst());
		await drain(engine());
		const [first = "", ...rest] = await deliveryIdsOf(hook);
		expect(await attemptsOf([first, ...rest])).toHaveLength(6);
		ok(await call(world.alice, { command: "deleteWebhookDelivery", id: first }), "deleteWebhookDelivery");
		expect(await attemptsOf([first])).toEqual([]);
		expect(await attemptsOf(rest)).toHaveLength(4);
		ok(await call(world.alice, { command: "deleteWebhookDelivery", webhookid: hook }), "deleteWebhookDelivery");
		expect(await deliveryIdsOf(hook)).toEqual([]);
		expect(await attemptsOf(rest)).toEqual([]);
		expect(await orphans()).toBe(0);
	});

	it("an attempt whose delivery was deleted meanwhile leaves no row", async () => {
		const hook = await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const [id = ""] = deps.fake.sent.map((m) => m.deliveryId);
		vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
			await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
			return new Response("ok");
		});
		await processDelivery(deps, id);
		expect(await deliveryIdsOf(hook)).toEqual([]);
		expect(await attemptsOf([id])).toEqual([]);
	});

	it("a resend (executeWebhookDelivery id=) records its one attempt", async () => {
		const hook = await webhook();
		await event();
		receiver((n) => (n === 1 ? new Response("no", { status: 500 }) : new Response("resent")));
		await drain(engine({ "webhook.delivery.retry.window": "0" }));
		const [stored = ""] = await deliveryIdsOf(hook);
		expect(await attemptsOf([stored])).toHaveLength(1);
		const body = ok(
			await call(world.alice, { command: "executeWebhookDelivery", id: stored }),
			"executeWebhookDelivery",
		).webhookdelivery;
		expect(body.attempt).toEqual([expect.objectContaining({ attempt: 1, success: true, responsestatus: 200 })]);
		const rows = await attemptsOf([body.id]);
		expect(rows).toMatchObject([{ attempt: 1, success: true, responseStatus: 200, response: "resent" }]);
		const listed = await listDeliveries(hook);
		expect(listed.find((d: Obj) => d.id === body.id)?.attempt).toHaveLength(1);
	});
});
