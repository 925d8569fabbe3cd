/**
 * The delivery engine at unit level in workerd with real D1: the outbox publisher (matching,
 * idempotence under a race), the consumer's attempts against a stubbed `fetch` receiver (headers,
 * both signatures checked with WebCrypto code written here, retries, Retry-After, 410, ordering,
 * deleted webhooks, pruning) and the queue/cron handlers with fake MessageBatches. No API calls:
 * rows are written directly, so no request's waitUntil publishes behind the test's back.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { alerts, domains, events, webhookDeliveries, webhooks } from "../../../worker/src/db/schema";
import { settingsFrom } from "../../../worker/src/domain/settings";
import worker from "../../../worker/src/index";
import { createSecretBox } from "../../../worker/src/lib/crypto";
import { consumeDeliveries, processDelivery } from "../../../worker/src/webhooks/consumer";
import type { DeliveryMessage, EngineDeps } from "../../../worker/src/webhooks/engine";
import { publishEvents, resendStale } from "../../../worker/src/webhooks/publisher";

const db = createDb(env.DB);
const box = createSecretBox(env.SECRET_KEK);
const SECRET = "s3cr3t-key";
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

class FakeQueue {
	sent: { body: DeliveryMessage; delaySeconds?: number | undefined }[] = [];
	async send(body: DeliveryMessage, options?: { delaySeconds?: number }) {
		this.sent.push({ body, delaySeconds: options?.delaySeconds });
	}
	async sendBatch(messages: Iterable<{ body: DeliveryMessage }>) {
		for (const m of messages) this.sent.push({ body: m.body });
	}
	ids(): string[] {
		return this.sent.map((m) => m.body.deliveryId);
	}
}

let clock = T0;
function engine(queue = new FakeQueue(), overrides: Record<string, string> = {}): EngineDeps & { fake: FakeQueue } {
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

interface Received {
	url: string;
	headers: Record<string, string>;
	body: string;
}
let received: Received[] = [];

/** Replaces `fetch` with a receiver that answers by call number; records every request. */
function receiver(answer: (n: number, request: Received) => Response | Promise<Response>) {
	received = [];
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input as RequestInfo, init as RequestInit);
		const entry = {
			url: request.url,
			headers: Object.fromEntries(request.headers.entries()),
			body: await request.text(),
		};
		received.push(entry);
		return answer(received.length, entry);
	});
}

afterEach(async () => {
	vi.restoreAllMocks();
	// Every test starts without webhooks, deliveries or unpublished events.
	await db.delete(webhooks);
	await db.delete(webhookDeliveries);
	await db.update(events).set({ published: true });
});

/** An HMAC-SHA256 in Base64 written here, independent of worker/src/webhooks/signing.ts. */
async function hmac(secret: string, data: string): Promise<string> {
	const enc = new TextEncoder();
	const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(data)));
	return btoa(String.fromCharCode(...mac));
}

const ROOT = "00000000-0000-4000-8000-00000000d000";
const SUB = "00000000-0000-4000-8000-00000000d001";
const OTHER = "00000000-0000-4000-8000-00000000d002";
const ALICE = "00000000-0000-4000-8000-00000000a001";
const BOB = "00000000-0000-4000-8000-00000000a002";

beforeAll(async () => {
	await db.insert(domains).values([
		{ id: ROOT, name: "ROOT", parentId: null, path: "/", level: 0, created: T0 },
		{ id: SUB, name: "sub", parentId: ROOT, path: "/sub/", level: 1, created: T0 },
		{ id: OTHER, name: "other", parentId: ROOT, path: "/other/", level: 1, created: T0 },
	]);
});

let counter = 0;
async function webhook(
	values: Partial<typeof webhooks.$inferInsert> & { secret?: string | null } = {},
): Promise<string> {
	const id = crypto.randomUUID();
	const { secret = SECRET, ...rest } = values;
	counter++;
	await db.insert(webhooks).values({
		id,
		name: `hook-${counter}`,
		payloadUrl: `http://receiver-${counter}.example/hook`,
		accountId: ALICE,
		domainId: SUB,
		scope: "Local",
		secretKeyEnc: secret ? await box.seal(secret) : null,
		created: T0,
		...rest,
	});
	return id;
}

async function event(values: Partial<typeof events.$inferInsert> = {}): Promise<string> {
	const id = crypto.randomUUID();
	await db.insert(events).values({
		id,
		type: "DOMAIN.CREATE",
		state: "Completed",
		level: "INFO",
		description: "Domain x created",
		userId: "00000000-0000-4000-8000-00000000u001",
		accountId: ALICE,
		domainId: SUB,
		resourceType: "Domain",
		resourceId: crypto.randomUUID(),
		resourceName: "x",
		created: clock,
		...values,
	});
	return id;
}

async function delivery(id: string) {
	const row = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
	if (!row) throw new Error(`no delivery ${id}`);
	return row;
}

async function deliveriesOf(webhookId: string) {
	return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));
}

/** Publishes, then drives every queued message (and the retries it asks for) until none are due. */
async function drain(deps: ReturnType<typeof engine>, maxSteps = 200): Promise<void> {
	const queue: { id: string; at: number }[] = deps.fake.sent
		.splice(0)
		.map((m) => ({ id: m.body.deliveryId, at: clock }));
	for (let step = 0; step < maxSteps && queue.length > 0; step++) {
		queue.sort((a, b) => a.at - b.at);
		const next = queue.shift();
		if (!next) break;
		clock = Math.max(clock, next.at);
		const outcome = await processDelivery(deps, next.id);
		if (!outcome.ack) queue.push({ id: next.id, at: clock + outcome.retryInSeconds * 1000 });
		for (const m of deps.fake.sent.splice(0)) queue.push({ id: m.body.deliveryId, at: clock });
	}
}

describe("publishEvents (the outbox)", () => {
	it("matches Local, Domain and Global webhooks and the event-type filter, once per event", async () => {
		const local = await webhook();
		const localBob = await webhook({ accountId: BOB });
		const domainSub = await webhook({ scope: "Domain", domainId: SUB });
		const domainRoot = await webhook({ scope: "Domain", domainId: ROOT, accountId: BOB });
		const domainOther = await webhook({ scope: "Domain", domainId: OTHER, accountId: BOB });
		const global = await webhook({ scope: "Global", domainId: ROOT, accountId: BOB });
		const filtered = await webhook({ scope: "Global", domainId: ROOT, eventTypes: "VM.*,USER.LOGIN" });
		const disabled = await webhook({ scope: "Global", domainId: ROOT, state: "Disabled" });
		const eventId = await event();
		const deps = engine();
		const result = await publishEvents(deps);
		expect(result.events).toBeGreaterThanOrEqual(1);
		const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
		expect(new Set(rows.map((r) => r.webhookId))).toEqual(new Set([local, domainSub, domainRoot, global]));
		for (const id of [localBob, domainOther, filtered, disabled]) expect((await deliveriesOf(id)).length).toBe(0);
		expect(rows.every((r) => r.state === "Pending" && r.attempts === 0)).toBe(true);
		expect(deps.fake.ids().sort()).toEqual(rows.map((r) => r.id).sort());
		const marked = await db.select().from(events).where(eq(events.id, eventId)).get();
		expect(marked?.published).toBe(true);
		// The body is CloudStack's ActionEvent JSON.
		const body = JSON.parse(rows[0]?.payload ?? "{}");
		expect(body).toMatchObject({ event: "DOMAIN.CREATE", status: "Completed", entity: "Domain", account: ALICE });
		expect(body.eventDateTime).toBe("2026-12-01 12:00:00 +0000");
		expect(body.Domain).toBe(body.entityuuid);
		// A second run finds nothing left.
		expect(await publishEvents(engine())).toEqual({ events: 0, deliveries: 0 });
	});

	it("publishes each event once when two publishers race", async () => {
		const hook = await webhook({ scope: "Global", domainId: ROOT });
		const ids = await Promise.all(Array.from({ length: 30 }, () => event()));
		const a = engine();
		const b = engine();
		const [ra, rb] = await Promise.all([publishEvents(a), publishEvents(b)]);
		expect(ra.events + rb.events).toBe(30);
		const rows = await deliveriesOf(hook);
		expect(rows.length).toBe(30);
		expect(new Set(rows.map((r) => r.eventId))).toEqual(new Set(ids));
		// Only the publisher that inserted a row sends its message.
		expect([...a.fake.ids(), ...b.fake.ids()].sort()).toEqual(rows.map((r) => r.id).sort());
	});
});

describe("the consumer", () => {
	it("POSTs with CloudStack's and Standard Webhooks' headers, both signatures valid", async () => {
		const hook = await webhook();
		const eventId = await event({ type: "DOMAIN.UPDATE" });
		const deps = engine();
		await publishEvents(deps);
		receiver(() => new Response("thanks", { status: 200 }));
		await drain(deps);
		expect(received.length).toBe(1);
		const [got] = received;
		if (!got) throw new Error("nothing received");
		const [row] = await deliveriesOf(hook);
		expect(got.url).toBe(`http://receiver-${counter}.example/hook`);
		expect(got.headers["content-type"]).toBe("application/json; charset=UTF-8");
		expect(got.headers["x-cs-event"]).toBe("DOMAIN.UPDATE");
		expect(got.headers["x-cs-event-id"]).toBe(eventId);
		expect(got.headers["user-agent"]).toBe(`CS-Hookshot/${ALICE}`);
		expect(got.headers["x-cs-signature"]).toBe(await hmac(SECRET, got.body));
		const id = got.headers["webhook-id"] ?? "";
		const ts = got.headers["webhook-timestamp"] ?? "";
		expect(id).toBe(row?.id);
		expect(Number(ts)).toBe(Math.floor(clock / 1000));
		expect(got.headers["webhook-signature"]).toBe(`v1,${await hmac(SECRET, `${id}.${ts}.${got.body}`)}`);
		expect(got.body).toBe(row?.payload);
		expect(row).toMatchObject({
			state: "Succeeded",
			success: true,
			attempts: 1,
			responseStatus: 200,
			response: "thanks",
		});
		expect(row?.headers).toContain("X-CS-Signature: ");
		expect(row?.headers).not.toContain(SECRET);
		expect(row?.durationMs).toBeGreaterThanOrEqual(0);
	});

	it("sends no signature headers without a secret", async () => {
		const hook = await webhook({ secret: null });
		await event();
		const deps = engine();
		await publishEvents(deps);
		receiver(() => new Response(null, { status: 204 }));
		await drain(deps);
		expect(received[0]?.headers["x-cs-signature"]).toBeUndefined();
		expect(received[0]?.headers["webhook-signature"]).toBeUndefined();
		expect(received[0]?.headers["webhook-id"]).toBeTruthy();
		expect((await deliveriesOf(hook))[0]?.state).toBe("Succeeded");
	});

	it("retries a receiver that fails N times with backoff, then records one success with N+1 attempts", async () => {
		const hook = await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const start = clock;
		const times: number[] = [];
		receiver((n) => {
			times.push(clock);
			if (n === 1) return new Response("<html>oops</html>", { status: 500 });
			if (n === 2) return new Response("garbage \u0000\u0001", { status: 302, headers: { location: "http://x/" } });
			if (n === 3) throw new TypeError("Network connection lost.");
			return new Response("ok");
		});
		await drain(deps);
		expect(received.length).toBe(4);
		const [row] = await deliveriesOf(hook);
		expect(row).toMatchObject({ state: "Succeeded", success: true, attempts: 4 });
		// Full jitter with random 0.5 and base 2 s: waits of 1, 2 and 4 s.
		expect(times.map((t) => (t - start) / 1000)).toEqual([0, 1, 3, 7]);
		// Every attempt carried the same webhook-id (Standard Webhooks' idempotency key).
		expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
	});

	it("logs a failed attempt's status, excerpt and error text", async () => {
		await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		receiver(() => new Response("x".repeat(5000), { status: 500 }));
		const [queued] = deps.fake.ids();
		await processDelivery(deps, queued ?? "");
		let row = await delivery(queued ?? "");
		expect(row).toMatchObject({ state: "Retrying", attempts: 1, responseStatus: 500, success: false });
		expect(row.response?.length).toBe(1024);
		expect(row.nextAttempt).toBe(clock + 1000);
		clock += 1000;
		receiver(() => {
			throw new TypeError("Network connection lost.");
		});
		await processDelivery(deps, queued ?? "");
		row = await delivery(queued ?? "");
		expect(row).toMatchObject({ state: "Retrying", attempts: 2, responseStatus: null });
		expect(row.response).toContain("Network connection lost");
	});

	it("honours Retry-After on 429 and 503", async () => {
		await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const [id = ""] = deps.fake.ids();
		receiver(() => new Response("slow down", { status: 429, headers: { "retry-after": "120" } }));
		const outcome = await processDelivery(deps, id);
		expect(outcome).toMatchObject({ ack: false, retryInSeconds: 120 });
		expect((await delivery(id)).nextAttempt).toBe(clock + 120_000);
		// Not due yet: a message that arrives early only waits again, without an attempt.
		const early = await processDelivery(deps, id);
		expect(early).toMatchObject({ ack: false, retryInSeconds: 120 });
		expect(received.length).toBe(1);
		clock += 120_000;
		receiver(
			() => new Response("", { status: 503, headers: { "retry-after": new Date(clock + 30_000).toUTCString() } }),
		);
		expect(await processDelivery(deps, id)).toMatchObject({ ack: false, retryInSeconds: 30 });
	});

	it("fails a delivery once the retry window is used up, and keeps it visible", async () => {
		const hook = await webhook();
		await event();
		const deps = engine(new FakeQueue(), { "webhook.delivery.retry.window": "10" });
		await publishEvents(deps);
		receiver(() => new Response("down", { status: 500 }));
		await drain(deps);
		const [row] = await deliveriesOf(hook);
		expect(row).toMatchObject({ state: "Failed", success: false, responseStatus: 500, nextAttempt: null });
		// 1 + 2 + 4 s of waits fit into 10 s; the next (8 s) does not.
		expect(row?.attempts).toBe(4);
	});

	it("disables the webhook and raises an alert on 410 Gone", async () => {
		const hook = await webhook();
		await event();
		await event();
		const deps = engine();
		await publishEvents(deps);
		receiver(() => new Response("gone", { status: 410 }));
		await drain(deps);
		expect(received.length).toBe(1);
		const stored = await db.select().from(webhooks).where(eq(webhooks.id, hook)).get();
		expect(stored?.state).toBe("Disabled");
		const rows = await deliveriesOf(hook);
		expect(rows.map((r) => r.state).sort()).toEqual(["Failed", "Failed"]);
		expect(rows.find((r) => r.attempts === 0)?.response).toMatch(/disabled/i);
		const raised = await db.select().from(alerts);
		expect(raised.some((a) => a.subject.includes(stored?.name ?? "?") && /410/.test(a.subject))).toBe(true);
	});

	it("keeps the order of one resource's events, not blocking other resources", async () => {
		const hook = await webhook();
		const resource = crypto.randomUUID();
		const types = ["DOMAIN.CREATE", "DOMAIN.UPDATE", "DOMAIN.UPDATE", "DOMAIN.DELETE"];
		const ids: string[] = [];
		for (const type of types) ids.push(await event({ type, resourceId: resource }));
		const otherResource = await event({ type: "ACCOUNT.CREATE" });
		const deps = engine();
		await publishEvents(deps);
		// Deliver the messages newest first: the consumer must still keep the resource's order.
		deps.fake.sent.reverse();
		let failed = false;
		receiver((_n, request) => {
			if (!failed && request.headers["x-cs-event-id"] === ids[0]) {
				failed = true;
				return new Response("busy", { status: 500 });
			}
			return new Response("ok");
		});
		await drain(deps);
		const order = received.map((r) => r.headers["x-cs-event-id"]);
		const forResource = order.filter((id) => id !== otherResource);
		// The first event's first attempt failed; its retry still comes before the later events.
		expect(forResource).toEqual([ids[0], ids[0], ids[1], ids[2], ids[3]]);
		expect(order.indexOf(otherResource)).toBeLessThan(order.lastIndexOf(ids[0]));
		expect((await deliveriesOf(hook)).every((r) => r.state === "Succeeded")).toBe(true);
	});

	it("stops queued deliveries of a deleted or disabled webhook without an attempt", async () => {
		const gone = await webhook();
		const off = await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		await db.delete(webhooks).where(eq(webhooks.id, gone));
		await db.update(webhooks).set({ state: "Disabled" }).where(eq(webhooks.id, off));
		receiver(() => new Response("ok"));
		await drain(deps);
		expect(received.length).toBe(0);
		expect((await deliveriesOf(gone))[0]).toMatchObject({ state: "Failed", attempts: 0 });
		expect((await deliveriesOf(gone))[0]?.response).toMatch(/deleted/i);
		expect((await deliveriesOf(off))[0]?.response).toMatch(/disabled/i);
	});

	it("re-checks the payload URL before every attempt", async () => {
		const hook = await webhook({ payloadUrl: "http://169.254.169.254/latest/meta-data" });
		await event();
		const deps = engine();
		await publishEvents(deps);
		receiver(() => new Response("ok"));
		await drain(deps);
		expect(received.length).toBe(0);
		expect((await deliveriesOf(hook))[0]).toMatchObject({ state: "Failed", attempts: 0 });
	});

	it("times out a slow receiver and retries it", async () => {
		const hook = await webhook();
		await event();
		const deps = engine(new FakeQueue(), { "webhook.delivery.timeout": "1" });
		await publishEvents(deps);
		vi.spyOn(globalThis, "fetch").mockImplementation(
			(_input, init) =>
				new Promise((_resolve, reject) => {
					(init as RequestInit).signal?.addEventListener("abort", () => reject((init as RequestInit).signal?.reason));
				}),
		);
		const [id = ""] = deps.fake.ids();
		await processDelivery(deps, id);
		const [row] = await deliveriesOf(hook);
		expect(row).toMatchObject({ state: "Retrying", attempts: 1 });
		expect(row?.response).toBe("No response within 1 seconds");
	});

	it("only one of two messages for the same delivery makes the attempt", async () => {
		const hook = await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const [id = ""] = deps.fake.ids();
		receiver(async () => {
			await new Promise((resolve) => setTimeout(resolve, 20));
			return new Response("ok");
		});
		const outcomes = await Promise.all([processDelivery(deps, id), processDelivery(deps, id)]);
		expect(received.length).toBe(1);
		// The loser finds the attempt leased and comes back later; then it only acks.
		expect(outcomes.filter((o) => o.ack).length).toBe(1);
		expect(outcomes.find((o) => !o.ack)?.reason).toBe("not due yet");
		expect(await processDelivery(deps, id)).toMatchObject({ ack: true, reason: "already final" });
		expect(received.length).toBe(1);
		expect((await deliveriesOf(hook))[0]).toMatchObject({ state: "Succeeded", attempts: 1 });
	});

	it("prunes the log to webhook.deliveries.limit per webhook after a batch", async () => {
		const hook = await webhook();
		for (let i = 0; i < 5; i++) await event();
		const deps = engine(new FakeQueue(), { "webhook.deliveries.limit": "3" });
		await publishEvents(deps);
		receiver(() => new Response("ok"));
		const ack = vi.fn();
		await consumeDeliveries(
			{
				queue: "q",
				messages: deps.fake.ids().map((deliveryId, i) => ({
					id: `m${i}`,
					timestamp: new Date(),
					attempts: 1,
					body: { deliveryId },
					ack,
					retry: vi.fn(),
				})),
				ackAll: vi.fn(),
				retryAll: vi.fn(),
			} as unknown as MessageBatch<DeliveryMessage>,
			deps,
		);
		expect(received.length).toBe(5);
		expect(ack).toHaveBeenCalledTimes(5);
		const kept = await deliveriesOf(hook);
		expect(kept.length).toBe(3);
		expect(kept.every((r) => r.state === "Succeeded")).toBe(true);
	});
});

describe("the Worker's queue and cron handlers", () => {
	it("acks a delivered message and retries a failed one with a delay", async () => {
		// worker.queue runs on the real clock: the event must be recent, or its retry window is over.
		clock = Date.now();
		const good = await webhook();
		const bad = await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const byHook = new Map<string, string>();
		for (const id of deps.fake.ids()) byHook.set((await delivery(id)).webhookId, id);
		receiver((_n, request) =>
			request.url.includes(`receiver-${counter}.`) ? new Response("no", { status: 500 }) : new Response("ok"),
		);
		const batch = createMessageBatch<DeliveryMessage>("flarestack-webhook-deliveries", [
			{ id: "m1", timestamp: new Date(), attempts: 1, body: { deliveryId: byHook.get(good) ?? "" } },
			{ id: "m2", timestamp: new Date(), attempts: 1, body: { deliveryId: byHook.get(bad) ?? "" } },
		]);
		const ctx = createExecutionContext();
		await worker.queue(batch, env);
		const result = await getQueueResult(batch, ctx);
		expect(result.explicitAcks).toEqual(["m1"]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
		const retried = await delivery(byHook.get(bad) ?? "");
		expect(retried.state).toBe("Retrying");
		expect(retried.nextAttempt).toBeGreaterThan(Date.now());
		// The delay asked of the queue is the backoff (a hand-made batch shows the argument).
		const retry = vi.fn();
		clock = retried.nextAttempt ?? clock;
		await consumeDeliveries(
			{
				queue: "q",
				messages: [
					{
						id: "m3",
						timestamp: new Date(),
						attempts: 2,
						body: { deliveryId: byHook.get(bad) ?? "" },
						retry,
						ack: vi.fn(),
					},
				],
				ackAll: vi.fn(),
				retryAll: vi.fn(),
			} as unknown as MessageBatch<DeliveryMessage>,
			engine(new FakeQueue(), { "webhook.delivery.retry.window": "86400" }),
		);
		expect(retry.mock.calls).toEqual([[{ delaySeconds: 2 }]]);
	});

	it("the consumer sends a fresh message instead of exhausting the queue's max_retries", async () => {
		await webhook();
		await event();
		const deps = engine();
		await publishEvents(deps);
		const [id = ""] = deps.fake.ids();
		deps.fake.sent = [];
		receiver(() => new Response("no", { status: 500 }));
		const batch = createMessageBatch<DeliveryMessage>("flarestack-webhook-deliveries", [
			{ id: "old", timestamp: new Date(), attempts: 95, body: { deliveryId: id } },
		]);
		await consumeDeliveries(batch, deps);
		expect(deps.fake.sent).toEqual([{ body: { deliveryId: id }, delaySeconds: 1 }]);
	});

	it("the cron publishes left-behind events and re-sends deliveries whose message was lost", async () => {
		const hook = await webhook();
		const eventId = await event({ created: Date.now() });
		const queue = new FakeQueue();
		const ctx = createExecutionContext();
		await worker.scheduled(
			{ scheduledTime: Date.now(), cron: "* * * * *", noRetry() {} } as ScheduledController,
			{ ...env, WEBHOOK_DELIVERIES: queue as unknown as Queue },
			ctx,
		);
		const { waitOnExecutionContext } = await import("cloudflare:test");
		await waitOnExecutionContext(ctx);
		const [row] = await deliveriesOf(hook);
		expect(row?.eventId).toBe(eventId);
		expect(queue.ids()).toContain(row?.id);
		// A Pending delivery long overdue (its message lost) is sent again.
		await db
			.update(webhookDeliveries)
			.set({ nextAttempt: Date.now() - 10 * 60_000 })
			.where(eq(webhookDeliveries.webhookId, hook));
		const deps = engine();
		clock = Date.now();
		expect(await resendStale(deps)).toBeGreaterThanOrEqual(1);
		expect(deps.fake.ids()).toContain(row?.id);
	});
});
