/**
 * Webhook delivery end to end: a private `wrangler dev` (its Queue producer and consumer run
 * locally in workerd) delivers to a real Node HTTP receiver on 127.0.0.1 in this process.
 * Signatures are checked here with node:crypto, independently of the Worker's code.
 * `webhook.payload.url.allowed.cidrs=127.0.0.1/32` lets the Worker call the loopback receiver.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, type Session, sessionCall, unwrap } from "./api.ts";
import { type DevServer, startDevServer } from "./server.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Json = Record<string, any>;

interface Hit {
	path: string;
	headers: Record<string, string>;
	body: string;
	json: Json;
	at: number;
}

const hits: Hit[] = [];
/** Per path: how to answer the n-th request (1-based) that path received. */
const behaviours = new Map<string, (n: number, req: IncomingMessage, res: ServerResponse) => void>();

let receiver: Server;
let base = "";
let server: DevServer | undefined;
let admin: Session | undefined;
let adminAccountId = "";

function api(): { server: DevServer; admin: Session } {
	if (!server || !admin) throw new Error("the private wrangler dev server did not start (see beforeAll)");
	return { server, admin };
}

async function call(command: string, params: Record<string, string> = {}): Promise<Json> {
	const { server, admin } = api();
	return unwrap(await sessionCall(server.apiUrl, admin, command, params), command);
}

async function callRaw(command: string, params: Record<string, string> = {}) {
	const { server, admin } = api();
	return sessionCall(server.apiUrl, admin, command, params);
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 45_000): Promise<T> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(
		`timed out waiting for ${what}; received: ${JSON.stringify(hits.map((h) => [h.path, h.json.event]))}`,
	);
}

function hitsFor(path: string, entityuuid?: string): Hit[] {
	return hits.filter((h) => h.path === path && (entityuuid === undefined || h.json.entityuuid === entityuuid));
}

let hookCount = 0;
async function createWebhook(path: string, extra: Record<string, string> = {}): Promise<Json> {
	hookCount++;
	const inner = await call("createWebhook", {
		name: `hook-${hookCount}`,
		payloadurl: `${base}${path}`,
		...extra,
	});
	return inner.webhook;
}

async function createDomain(): Promise<{ id: string; name: string; created: number }> {
	const name = `wh-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
	const inner = await call("createDomain", { name });
	return { id: inner.domain.id, name, created: Date.now() };
}

async function deliveries(webhookid: string): Promise<Json[]> {
	return (await call("listWebhookDeliveries", { webhookid })).webhookdelivery ?? [];
}

async function setting(name: string, value: string): Promise<void> {
	await call("updateConfiguration", { name, value });
}

beforeAll(async () => {
	receiver = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const body = Buffer.concat(chunks).toString("utf8");
			let json: Json = {};
			try {
				json = JSON.parse(body);
			} catch {
				// a non-JSON test payload
			}
			const path = (req.url ?? "/").split("?")[0] ?? "/";
			const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
			hits.push({ path, headers, body, json, at: Date.now() });
			const n = hits.filter((h) => h.path === path).length;
			const behave = behaviours.get(path);
			if (behave) behave(n, req, res);
			else res.end("ok");
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
	base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	server = await startDevServer();
	admin = await login(server.apiUrl, "admin", server.adminPassword);
	adminAccountId = (await call("listAccounts", { name: "admin" })).account[0].id;
	await setting("webhook.payload.url.allowed.cidrs", "127.0.0.1/32");
	await setting("webhook.delivery.retry.base", "1");
	await setting("webhook.delivery.timeout", "3");
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await new Promise((resolve) => receiver?.close(resolve));
});

describe("webhook delivery to a real receiver", () => {
	let signedHook: Json;
	let signedDelivery: Json;

	it("delivers an event with both signatures, verified independently", async () => {
		const secret = "receiver-shared-secret";
		signedHook = await createWebhook("/signed", { secretkey: secret });
		const domain = await createDomain();
		const hit = await waitFor("the DOMAIN.CREATE delivery", () => hitsFor("/signed", domain.id)[0]);
		console.log(`event → first attempt: ${hit.at - domain.created} ms`);
		expect(hit.headers["content-type"]).toBe("application/json; charset=UTF-8");
		expect(hit.headers["x-cs-event"]).toBe("DOMAIN.CREATE");
		expect(hit.headers["user-agent"]).toBe(`CS-Hookshot/${adminAccountId}`);
		// CloudStack: base64(HMAC-SHA256(secret, body)).
		expect(hit.headers["x-cs-signature"]).toBe(createHmac("sha256", secret).update(hit.body).digest("base64"));
		// Standard Webhooks: v1,base64(HMAC-SHA256(secret, id.timestamp.body)), timestamp fresh.
		const id = hit.headers["webhook-id"] ?? "";
		const ts = hit.headers["webhook-timestamp"] ?? "";
		expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
		const expected = createHmac("sha256", secret).update(`${id}.${ts}.${hit.body}`).digest("base64");
		expect(hit.headers["webhook-signature"]?.split(" ")).toContain(`v1,${expected}`);
		// A tampered body would not verify.
		expect(createHmac("sha256", secret).update(`${hit.body} `).digest("base64")).not.toBe(
			hit.headers["x-cs-signature"],
		);
		// The body is CloudStack's ActionEvent JSON.
		expect(hit.json).toMatchObject({
			event: "DOMAIN.CREATE",
			status: "Completed",
			entity: "Domain",
			entityuuid: domain.id,
			account: adminAccountId,
			Domain: domain.id,
		});
		expect(hit.json.eventDateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/);
		const log = await waitFor("the logged success", async () =>
			(await deliveries(signedHook.id)).find((d) => d.id === id && d.success === true),
		);
		expect(log).toMatchObject({ eventtype: "DOMAIN.CREATE", state: "Succeeded", attempts: 1, responsestatus: 200 });
		expect(log.headers).toContain("X-CS-Signature: ");
		expect(log.headers).not.toContain(secret);
		expect(log.payload).toBe(hit.body);
		signedDelivery = log;
	});

	it("retries a receiver that fails 3 times, then logs one success with 4 attempts", async () => {
		behaviours.set("/fail3", (n, _req, res) => {
			res.statusCode = n <= 3 ? 503 : 200;
			res.end(n <= 3 ? "try later" : "ok");
		});
		const hook = await createWebhook("/fail3", { eventtypes: "DOMAIN.CREATE" });
		const domain = await createDomain();
		await waitFor("the 4th attempt", () => hitsFor("/fail3", domain.id)[3]);
		const log = await waitFor("the logged success", async () => {
			const found = (await deliveries(hook.id)).find((d) => d.eventtype === "DOMAIN.CREATE" && d.success === true);
			return found;
		});
		expect(log).toMatchObject({ state: "Succeeded", attempts: 4, responsestatus: 200 });
		// The delivery log keeps every attempt, oldest first.
		expect(log.attempt.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
		expect(log.attempt.map((a: { responsestatus: number }) => a.responsestatus)).toEqual([503, 503, 503, 200]);
		expect(log.attempt.map((a: { success: boolean }) => a.success)).toEqual([false, false, false, true]);
		expect(log.attempt.map((a: { response: string }) => a.response)).toEqual([
			"try later",
			"try later",
			"try later",
			"ok",
		]);
		for (const a of log.attempt) {
			expect(a.headers).toContain("X-CS-Event: DOMAIN.CREATE");
			expect(a.duration).toBeGreaterThanOrEqual(0);
			expect(a.startdate <= a.enddate).toBe(true);
		}
		const attempts = hitsFor("/fail3", domain.id);
		expect(attempts.length).toBe(4);
		expect(new Set(attempts.map((h) => h.headers["webhook-id"])).size).toBe(1);
		// Backoff: each retry came later than the one before.
		for (let i = 1; i < attempts.length; i++) expect(attempts[i]?.at).toBeGreaterThan(attempts[i - 1]?.at ?? 0);
	});

	it("retries through a 500, a garbage answer and a closed connection, logging each", async () => {
		behaviours.set("/flaky", (n, req, res) => {
			if (n === 1) {
				res.statusCode = 500;
				res.end("<h1>Internal Server Error</h1>");
			} else if (n === 2) {
				req.socket.end("this is not HTTP at all\r\n\r\n");
			} else if (n === 3) {
				req.socket.destroy();
			} else res.end("ok");
		});
		const hook = await createWebhook("/flaky", { eventtypes: "DOMAIN.CREATE" });
		const domain = await createDomain();
		await waitFor("the 4th attempt", () => hitsFor("/flaky", domain.id)[3]);
		const log = await waitFor("the logged success", async () =>
			(await deliveries(hook.id)).find((d) => d.success === true),
		);
		expect(log.attempts).toBe(4);
		expect(hitsFor("/flaky", domain.id).length).toBe(4);
	});

	it("disables a webhook whose receiver answers 410 Gone, with an alert", async () => {
		behaviours.set("/gone", (_n, _req, res) => {
			res.statusCode = 410;
			res.end("gone");
		});
		const hook = await createWebhook("/gone", { eventtypes: "DOMAIN.CREATE" });
		const domain = await createDomain();
		await waitFor("the attempt", () => hitsFor("/gone", domain.id)[0]);
		const state = await waitFor("the webhook disabled", async () => {
			const [found] = (await call("listWebhooks", { id: hook.id })).webhook ?? [];
			return found?.state === "Disabled" ? found.state : undefined;
		});
		expect(state).toBe("Disabled");
		const [log] = await deliveries(hook.id);
		expect(log).toMatchObject({ success: false, state: "Failed", responsestatus: 410 });
		const alerts: Json[] = ((await callRaw("listAlerts", {})).body.listalertsresponse as Json | undefined)?.alert ?? [];
		expect(alerts.some((a: Json) => String(a.description ?? "").includes(hook.id))).toBe(true);
		// Disabled: later events are not delivered to it.
		const next = await createDomain();
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(hitsFor("/gone", next.id).length).toBe(0);
	});

	it("keeps the order of one resource's events while its first delivery is retried", async () => {
		let failedFirst = false;
		behaviours.set("/order", (_n, _req, res) => {
			const hit = hits[hits.length - 1];
			if (!failedFirst && hit?.json.event === "DOMAIN.CREATE") {
				failedFirst = true;
				res.statusCode = 500;
				res.end("not yet");
				return;
			}
			res.end("ok");
		});
		await createWebhook("/order", { eventtypes: "DOMAIN.CREATE,DOMAIN.UPDATE" });
		const domain = await createDomain();
		for (let i = 1; i <= 3; i++) await call("updateDomain", { id: domain.id, name: `${domain.name}-v${i}` });
		await waitFor("all four events delivered", () => {
			const ok = new Set(hitsFor("/order", domain.id).map((h) => h.headers["x-cs-event-id"]));
			return ok.size === 4 ? true : undefined;
		});
		const seen = hitsFor("/order", domain.id).map((h) => `${h.json.event} ${h.json.entityname}`);
		expect(seen).toEqual([
			`DOMAIN.CREATE ${domain.name}`,
			`DOMAIN.CREATE ${domain.name}`,
			`DOMAIN.UPDATE ${domain.name}-v1`,
			`DOMAIN.UPDATE ${domain.name}-v2`,
			`DOMAIN.UPDATE ${domain.name}-v3`,
		]);
	});

	it("stops queued deliveries of a deleted webhook", async () => {
		behaviours.set("/deleted", (_n, _req, res) => {
			res.statusCode = 429;
			res.setHeader("retry-after", "3");
			res.end("slow down");
		});
		const hook = await createWebhook("/deleted", { eventtypes: "DOMAIN.CREATE" });
		const domain = await createDomain();
		await waitFor("the first attempt", () => hitsFor("/deleted", domain.id)[0]);
		await call("deleteWebhook", { id: hook.id });
		const count = hitsFor("/deleted", domain.id).length;
		await new Promise((resolve) => setTimeout(resolve, 6000));
		expect(hitsFor("/deleted", domain.id).length).toBe(count);
		const [log] = await deliveries(hook.id).catch(() => [] as Json[]);
		if (log) expect(log).toMatchObject({ success: false, state: "Failed" });
	});

	it("resends a delivery from the log as a new delivery", async () => {
		const ofEvent = async () => (await deliveries(signedHook.id)).filter((d) => d.eventid === signedDelivery.eventid);
		expect((await ofEvent()).length).toBe(1);
		const inner = await call("executeWebhookDelivery", { id: signedDelivery.id });
		expect(inner.webhookdelivery).toMatchObject({
			success: true,
			webhookid: signedHook.id,
			eventtype: "DOMAIN.CREATE",
		});
		expect(inner.webhookdelivery.id).not.toBe(signedDelivery.id);
		const resent = hits.find((h) => h.headers["webhook-id"] === inner.webhookdelivery.id);
		expect(resent?.path).toBe("/signed");
		expect(resent?.body).toBe(signedDelivery.payload);
		expect(resent?.headers["x-cs-event-id"]).toBe(signedDelivery.eventid);
		const after = await ofEvent();
		expect(after.map((d) => d.id).sort()).toEqual([signedDelivery.id, inner.webhookdelivery.id].sort());
	});

	it("sends a test payload to a webhook or a URL, without storing it; refuses internal URLs", async () => {
		const inner = await call("executeWebhookDelivery", { webhookid: signedHook.id });
		expect(inner.webhookdelivery).toMatchObject({ success: true, eventtype: "TEST.WEBHOOK", response: "ok" });
		const test = hits.find((h) => h.path === "/signed" && h.headers["x-cs-event"] === "TEST.WEBHOOK");
		expect(test?.body).toBe('{ "CloudStack": "works!" }');
		expect(test?.headers["x-cs-event"]).toBe("TEST.WEBHOOK");
		expect(test?.headers["x-cs-signature"]).toBe(
			createHmac("sha256", "receiver-shared-secret")
				.update(test?.body ?? "")
				.digest("base64"),
		);
		expect((await deliveries(signedHook.id)).some((d) => d.eventtype === "TEST.WEBHOOK")).toBe(false);
		const adhoc = await call("executeWebhookDelivery", { payloadurl: `${base}/adhoc`, payload: "plain text" });
		expect(adhoc.webhookdelivery.success).toBe(true);
		expect(hitsFor("/adhoc")[0]?.headers["content-type"]).toBe("text/plain; charset=UTF-8");
		const refused = await callRaw("executeWebhookDelivery", { payloadurl: "http://169.254.169.254/latest" });
		expect(refused.status).toBe(431);
	});

	it("fails a delivery whose retries are used up, keeps it visible and resendable", async () => {
		behaviours.set("/down", (_n, _req, res) => {
			res.statusCode = 500;
			res.end("down");
		});
		await setting("webhook.delivery.retry.window", "2");
		try {
			const hook = await createWebhook("/down", { eventtypes: "DOMAIN.CREATE" });
			await createDomain();
			const failed = await waitFor("the delivery to fail", async () =>
				(await deliveries(hook.id)).find((d) => d.state === "Failed"),
			);
			expect(failed.success).toBe(false);
			expect(failed.attempts).toBeGreaterThanOrEqual(1);
			const resent = await call("executeWebhookDelivery", { id: failed.id });
			expect(resent.webhookdelivery).toMatchObject({ success: false, state: "Failed", responsestatus: 500 });
		} finally {
			await setting("webhook.delivery.retry.window", "");
		}
	});
});
