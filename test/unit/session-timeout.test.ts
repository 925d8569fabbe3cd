/**
 * Session idle timeout (cloudstack-api.md §0 and §2: `session.timeout`, 30 min by default, counts
 * inactivity). Real waiting is out of the question, so authenticateSession runs with an injected clock
 * against a session created by a real login.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { authenticateSession } from "../../worker/src/api/auth";
import { parseCookies } from "../../worker/src/api/cookies";
import { CsError } from "../../worker/src/api/errors";
import { indexParams } from "../../worker/src/api/params";
import type { Deps } from "../../worker/src/commands/types";
import { createDb } from "../../worker/src/db/client";
import { settingsFrom } from "../../worker/src/domain/settings";
import { jobQueueFor } from "../../worker/src/jobs/queue";
import { createSecretBox } from "../../worker/src/lib/crypto";
import { relayLinkFor } from "../../worker/src/relay/link-impl";
import { login, type Session } from "../helpers/api";

let session: Session;
let loggedInAt: number;

function deps(at: number, timeoutSeconds?: number): Deps {
	const overrides = new Map<string, string>();
	if (timeoutSeconds !== undefined) overrides.set("session.timeout", String(timeoutSeconds));
	return {
		db: createDb(env.DB),
		clock: { now: () => at },
		secrets: createSecretBox(env.SECRET_KEK),
		settings: settingsFrom(overrides),
		invalidateSettings: () => {},
		relay: relayLinkFor(env),
		jobs: jobQueueFor(env),
		signExtractLink: async () => "unused",
	};
}

function check(at: number, timeoutSeconds?: number) {
	const params = indexParams([{ name: "sessionkey", value: session.sessionkey }]);
	return authenticateSession(deps(at, timeoutSeconds), params, parseCookies(session.cookie));
}

async function rejection(promise: Promise<unknown>): Promise<CsError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof CsError) return error;
		throw error;
	}
	throw new Error("expected the session to be refused");
}

beforeEach(async () => {
	loggedInAt = Date.now();
	session = await login();
});

describe("session idle timeout", () => {
	it("keeps a session alive just inside session.timeout", async () => {
		const caller = await check(loggedInAt + 59_000, 60);
		expect(caller.userId).toBe(session.userid);
	});

	it("ends a session idle longer than session.timeout with 401 and deletes it", async () => {
		const error = await rejection(check(loggedInAt + 62_000, 60));
		expect(error.code).toBe(401);
		expect(error.message).toBe("unable to verify user credentials and/or request signature");
		// Gone for good, even at the real time.
		expect((await session.call({ command: "listUsers" })).status).toBe(401);
	});

	it("uses 1800 seconds by default: alive after 1790 s idle", async () => {
		expect((await check(loggedInAt + 1_790_000)).userId).toBe(session.userid);
	});

	it("uses 1800 seconds by default: ended after 1810 s idle", async () => {
		expect((await rejection(check(loggedInAt + 1_810_000))).code).toBe(401);
	});

	it("counts inactivity, not age: activity moves the deadline", async () => {
		await check(loggedInAt + 1_000_000);
		// 1 800 s after login but only 1 000 s after the last call.
		expect((await check(loggedInAt + 2_000_000)).userId).toBe(session.userid);
		expect((await rejection(check(loggedInAt + 2_000_000 + 1_810_000))).code).toBe(401);
	});
});
