/**
 * executeWebhookDelivery through the API in workerd: a test payload to a webhook (with overrides),
 * an ad-hoc URL, a resend of a stored delivery (recorded as a new one), refusals, and the
 * five-role access matrix. The receiver is a stubbed `fetch`; only TEST.WEBHOOK requests and
 * resends are looked at (the queue may deliver the WEBHOOK.CREATE events meanwhile).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { webhookDeliveries } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
let world: World;
const SECRET = "exec-secret";
const received: { url: string; headers: Record<string, string>; body: string }[] = [];
const realFetch = globalThis.fetch;

async function hmac(secret: string, data: string): Promise<string> {
	const enc = new TextEncoder();
	const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(data)))));
}

async function createHook(actor: Actor, params: Params = {}): Promise<Obj> {
	const result = await call(actor, {
		command: "createWebhook",
		name: unique("x-"),
		payloadurl: `http://${unique("rcv")}.receiver.example/hook`,
		secretkey: SECRET,
		// No event passes this filter: the queue delivers nothing behind the test's back.
		eventtypes: "NO.SUCH.EVENT",
		...params,
	});
	return ok(result, "createWebhook").webhook;
}

function execute(actor: Actor, params: Params) {
	return call(actor, { command: "executeWebhookDelivery", ...params });
}

let aliceHook: Obj;
let bobHook: Obj;

beforeAll(async () => {
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input as RequestInfo, init as RequestInit);
		if (!request.url.includes(".receiver.example/")) return realFetch(input as RequestInfo, init as RequestInit);
		received.push({
			url: request.url,
			headers: Object.fromEntries(request.headers.entries()),
			body: await request.text(),
		});
		if (request.url.includes("/fail")) return new Response("nope", { status: 500 });
		return new Response("received");
	});
	world = await buildWorld();
	aliceHook = await createHook(world.alice);
	bobHook = await createHook(world.bob);
});

afterAll(() => {
	vi.restoreAllMocks();
});

const tests = () => received.filter((r) => r.headers["x-cs-event"] === "TEST.WEBHOOK");

describe("executeWebhookDelivery", () => {
	it("sends CloudStack's test payload to a webhook, signed, without storing it", async () => {
		const before = tests().length;
		const body = ok(await execute(world.alice, { webhookid: aliceHook.id }), "executeWebhookDelivery");
		const d = body.webhookdelivery;
		expect(d).toMatchObject({
			webhookid: aliceHook.id,
			webhookname: aliceHook.name,
			eventtype: "TEST.WEBHOOK",
			payload: '{ "CloudStack": "works!" }',
			success: true,
			response: "received",
		});
		expect(d.id).toBeUndefined();
		expect(d.startdate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
		const [sent] = tests().slice(before);
		expect(sent?.url).toBe(aliceHook.payloadurl);
		expect(sent?.headers["x-cs-signature"]).toBe(await hmac(SECRET, sent?.body ?? ""));
		expect(sent?.headers["user-agent"]).toBe(`CS-Hookshot/${world.alice.accountId}`);
		const id = sent?.headers["webhook-id"] ?? "";
		const ts = sent?.headers["webhook-timestamp"] ?? "";
		expect(sent?.headers["webhook-signature"]).toBe(`v1,${await hmac(SECRET, `${id}.${ts}.${sent?.body}`)}`);
		const stored = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "TEST.WEBHOOK"));
		expect(stored.length).toBe(0);
	});

	it("overrides the URL, secret and payload of a webhook test", async () => {
		const before = tests().length;
		const url = `http://${unique("other")}.receiver.example/x`;
		const body = ok(
			await execute(world.alice, { webhookid: aliceHook.id, payloadurl: url, secretkey: "other", payload: "hello" }),
			"executeWebhookDelivery",
		).webhookdelivery;
		expect(body.success).toBe(true);
		const [sent] = tests().slice(before);
		expect(sent?.url).toBe(url);
		expect(sent?.body).toBe("hello");
		expect(sent?.headers["content-type"]).toBe("text/plain; charset=UTF-8");
		expect(sent?.headers["x-cs-signature"]).toBe(await hmac("other", "hello"));
	});

	it("tests an ad-hoc URL, reporting a failing receiver", async () => {
		const body = ok(
			await execute(world.alice, { payloadurl: `${unique("adhoc")}.receiver.example/fail` }),
			"executeWebhookDelivery",
		).webhookdelivery;
		expect(body).toMatchObject({ success: false, response: "nope", responsestatus: 500 });
		expect(body.webhookid).toBeUndefined();
		const [sent] = tests().slice(-1);
		expect(sent?.url).toMatch(/^http:\/\/adhoc\d+\.receiver\.example\/fail$/);
		expect(sent?.headers["x-cs-signature"]).toBeUndefined();
	});

	it("resends a stored delivery as a new delivery in the log", async () => {
		const storedId = crypto.randomUUID();
		const eventId = crypto.randomUUID();
		await db.insert(webhookDeliveries).values({
			id: storedId,
			webhookId: aliceHook.id,
			eventId,
			eventType: "DOMAIN.UPDATE",
			state: "Failed",
			attempts: 7,
			payload: '{"event":"DOMAIN.UPDATE"}',
			success: false,
			startDate: Date.now() - 60_000,
			endDate: Date.now() - 59_000,
		});
		const body = ok(await execute(world.alice, { id: storedId }), "executeWebhookDelivery").webhookdelivery;
		expect(body).toMatchObject({
			webhookid: aliceHook.id,
			eventid: eventId,
			eventtype: "DOMAIN.UPDATE",
			success: true,
			state: "Succeeded",
			attempts: 1,
			payload: '{"event":"DOMAIN.UPDATE"}',
		});
		expect(body.id).not.toBe(storedId);
		const resent = received.find((r) => r.headers["webhook-id"] === body.id);
		expect(resent?.headers["x-cs-event-id"]).toBe(eventId);
		expect(resent?.headers["x-cs-event"]).toBe("DOMAIN.UPDATE");
		const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
		expect(rows.map((r) => r.id).sort()).toEqual([storedId, body.id].sort());
		expect(rows.find((r) => r.id === storedId)?.attempts).toBe(7);
	});

	it("refuses bad input with 431 and sends nothing", async () => {
		const before = received.length;
		expectParamError(await execute(world.alice, {}), "executeWebhookDelivery", /id, webhookid or payloadurl/);
		expectParamError(await execute(world.alice, { id: crypto.randomUUID() }), "executeWebhookDelivery");
		expectParamError(await execute(world.alice, { webhookid: crypto.randomUUID() }), "executeWebhookDelivery");
		expectParamError(
			await execute(world.alice, { id: crypto.randomUUID(), webhookid: aliceHook.id }),
			"executeWebhookDelivery",
		);
		expectParamError(
			await execute(world.alice, { payloadurl: "http://169.254.169.254/latest/meta-data" }),
			"executeWebhookDelivery",
			/Illegal host/,
		);
		expectParamError(await execute(world.alice, { payloadurl: "ftp://x.receiver.example/" }), "executeWebhookDelivery");
		expectParamError(
			await execute(world.alice, { payloadurl: "http://x.receiver.example/", sslverification: "true" }),
			"executeWebhookDelivery",
			/SSL verification/,
		);
		expect(received.slice(before).filter((r) => r.headers["x-cs-event"] === "TEST.WEBHOOK").length).toBe(0);
	});
});

const own = (): Params => ({ command: "executeWebhookDelivery", webhookid: aliceHook.id });
const allowed = (scenario: string) => ({
	scenario,
	expect: "allowed" as const,
	run: (_w: World, actor: Actor) => call(actor, own()),
});

const matrix: Record<string, CommandMatrix> = {
	executeWebhookDelivery: {
		RootAdmin: [allowed("on a user's webhook")],
		ResourceAdmin: [allowed("on a user's webhook in its subtree")],
		DomainAdmin: [allowed("on a user's webhook in its subtree")],
		User: [
			allowed("on its own webhook"),
			{
				scenario: "on another account's webhook",
				expect: 531,
				run: (_w, actor) => call(actor, { command: "executeWebhookDelivery", webhookid: bobHook.id }),
			},
		],
		ReadOnlyAdmin: [unavailable("executeWebhookDelivery", { webhookid: "x" })],
	},
};

describeMatrix("executeWebhookDelivery access", () => world, matrix);
