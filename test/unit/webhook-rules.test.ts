/** Pure rules of the webhook engine: matching, backoff and Retry-After, the ActionEvent body. */
import { describe, expect, it } from "vitest";
import { typeMatches, webhookMatches } from "../../worker/src/webhooks/matcher";
import { contentTypeOf, eventDateTime, eventPayload } from "../../worker/src/webhooks/payload";
import { backoffSeconds, nextAttemptAt, parseRetryAfter } from "../../worker/src/webhooks/retry";

const hook = { state: "Enabled", scope: "Local", accountId: "a1", domainPath: "/d/", eventTypes: null };
const event = { type: "VM.START", accountId: "a1", domainPath: "/d/sub/" };

describe("webhook matching", () => {
	it("follows CloudStack's scopes", () => {
		expect(webhookMatches(hook, event)).toBe(true);
		expect(webhookMatches(hook, { ...event, accountId: "a2" })).toBe(false);
		expect(webhookMatches({ ...hook, scope: "Domain", accountId: "x" }, event)).toBe(true);
		expect(webhookMatches({ ...hook, scope: "Domain", domainPath: "/e/" }, event)).toBe(false);
		// "/d/" must not match a sibling "/dx/".
		expect(webhookMatches({ ...hook, scope: "Domain" }, { ...event, accountId: "z", domainPath: "/dx/" })).toBe(false);
		expect(
			webhookMatches({ ...hook, scope: "Global", accountId: "x" }, { ...event, accountId: null, domainPath: null }),
		).toBe(true);
		expect(webhookMatches({ ...hook, state: "Disabled" }, event)).toBe(false);
		expect(webhookMatches({ ...hook, scope: "Bogus" }, event)).toBe(false);
	});

	it("filters by event type, with a trailing * as a prefix", () => {
		expect(typeMatches(null, "VM.START")).toBe(true);
		expect(typeMatches("", "VM.START")).toBe(true);
		expect(typeMatches("vm.start, VOLUME.CREATE", "VM.START")).toBe(true);
		expect(typeMatches("VM.*", "VM.START")).toBe(true);
		expect(typeMatches("VM.STOP", "VM.START")).toBe(false);
		expect(typeMatches("VOLUME.*", "VM.START")).toBe(false);
	});
});

describe("retry timing", () => {
	it("uses exponential backoff with full jitter, at least 1 s", () => {
		expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 10, 0.999))).toEqual([10, 20, 40, 80]);
		expect(backoffSeconds(3, 10, 0.5)).toBe(20);
		expect(backoffSeconds(1, 10, 0)).toBe(1);
		expect(backoffSeconds(60, 10, 1 - 1e-9)).toBe(6 * 3600);
	});

	it("reads Retry-After as seconds or an HTTP date", () => {
		const now = Date.UTC(2026, 0, 1);
		expect(parseRetryAfter("120", now)).toBe(120);
		expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30);
		expect(parseRetryAfter("soon", now)).toBeNull();
		expect(parseRetryAfter(null, now)).toBeNull();
	});

	it("honours Retry-After only on 429 and 503 and stops at the window", () => {
		const base = { attempts: 1, now: 0, firstAttemptAt: 0, baseSeconds: 10, windowSeconds: 3600, random: 0.5 };
		expect(nextAttemptAt({ ...base, status: 429, retryAfter: "60" })).toBe(60_000);
		expect(nextAttemptAt({ ...base, status: 503, retryAfter: "60" })).toBe(60_000);
		expect(nextAttemptAt({ ...base, status: 500, retryAfter: "60" })).toBe(5_000);
		expect(nextAttemptAt({ ...base, status: 429, retryAfter: "7200" })).toBeNull();
		expect(nextAttemptAt({ ...base, status: null, retryAfter: null, now: 3_599_000 })).toBeNull();
	});
});

describe("the event body", () => {
	it("is CloudStack's ActionEvent JSON with string values", () => {
		const body = JSON.parse(
			eventPayload({
				id: "e1",
				type: "VM.START",
				state: "Completed",
				level: "INFO",
				description: "starting VM",
				userId: "u1",
				accountId: "a1",
				domainId: "d1",
				resourceType: "VirtualMachine",
				resourceId: "vm1",
				resourceName: "web",
				created: Date.UTC(2026, 11, 1, 8, 5, 9),
			}),
		);
		expect(body).toMatchObject({
			event: "VM.START",
			status: "Completed",
			entity: "VirtualMachine",
			entityuuid: "vm1",
			description: "starting VM",
			user: "u1",
			account: "a1",
			eventDateTime: "2026-12-01 08:05:09 +0000",
			VirtualMachine: "vm1",
		});
		expect(Object.values(body).every((v) => typeof v === "string")).toBe(true);
		expect(eventDateTime(0)).toBe("1970-01-01 00:00:00 +0000");
	});

	it("is sent as JSON, or as text when it is not JSON", () => {
		expect(contentTypeOf('{ "CloudStack": "works!" }')).toBe("application/json; charset=UTF-8");
		expect(contentTypeOf("hello")).toBe("text/plain; charset=UTF-8");
	});
});
