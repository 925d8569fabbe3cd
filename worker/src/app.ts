/** @module The Worker's HTTP surface: /client/api (CloudStack), /health. Bindings are read only here. */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { handleApiRequest } from "./api/dispatch";
import { errorBody, render } from "./api/envelope";
import { CsError, ERROR } from "./api/errors";
import type { Deps } from "./commands/types";
import { bootstrap } from "./db/bootstrap";
import { createDb } from "./db/client";
import { takeEventsPending } from "./db/events";
import { invalidateSettings, loadSettings } from "./db/settings";
import type { AppEnv } from "./env";
import { systemClock } from "./lib/clock";
import { secretBoxFor } from "./lib/crypto";
import { logError } from "./lib/log";
import { connectRelay } from "./relay/connect";
import { enrollRelay } from "./relay/enroll";
import { relayLinkFor } from "./relay/link-impl";
import { localEnroll } from "./relay/local-enroll";
import { engineDeps } from "./webhooks/engine";
import { publishAfterRequest } from "./webhooks/publisher";

let bootstrapped: Promise<void> | null = null;

async function buildDeps(env: Env): Promise<Deps> {
	const db = createDb(env.DB);
	const now = systemClock.now();
	bootstrapped ??= bootstrap(db, now, env.ADMIN_PASSWORD || undefined).catch((error) => {
		bootstrapped = null;
		throw error;
	});
	await bootstrapped;
	return {
		db,
		clock: systemClock,
		secrets: secretBoxFor(env.SECRET_KEK),
		settings: await loadSettings(db, now),
		invalidateSettings,
		relay: relayLinkFor(env),
	};
}

export const app = new Hono<AppEnv>();

app.use(requestId());

// Only failures outside the API pipeline land here (e.g. a missing secret while building deps).
app.onError((error, c) => {
	logError(c.get("requestId"), "request failed before reaching the API pipeline", error);
	const body = errorBody(new CsError(ERROR.internal, "Internal error, please contact your system administrator"));
	return render("errorresponse", body, "json", ERROR.internal);
});

app.get("/health", (c) => c.json({ ok: true }));

/** Enrolment bodies are a token, a name and a public JWK: a few hundred bytes. */
const MAX_ENROLL_BODY = 16 * 1024;

// A relay agent trades its one-time enrolment token for its identity. The body (and so the token)
// is never logged; failures answer {error} without details.
app.post("/relay/v1/enroll", async (c) => {
	const text = await c.req.text();
	if (text.length > MAX_ENROLL_BODY) return c.json({ error: "The body is too large" }, 413);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return c.json({ error: "The body must be JSON" }, 400);
	}
	try {
		const result = await enrollRelay(createDb(c.env.DB), body, systemClock.now());
		return c.json(result.body, result.status);
	} catch (error) {
		logError(c.get("requestId"), "relay enrolment failed", error);
		return c.json({ error: "Internal error, please contact your system administrator" }, 500);
	}
});

// A relay agent's WebSocket: the JWT is checked here, then the zone's ZoneRelay takes the socket.
app.get("/relay/v1/connect", async (c) => {
	try {
		return await connectRelay(c.req.raw, c.env, createDb(c.env.DB), systemClock.now());
	} catch (error) {
		logError(c.get("requestId"), "relay connect failed", error);
		return c.json({ error: "Internal error, please contact your system administrator" }, 500);
	}
});

// Local development only: enrols an agent without a token when LOCAL_RELAY_SECRET is set (.dev.vars).
app.post("/relay/v1/local-enroll", async (c) => {
	const secret = (c.env as Env & { LOCAL_RELAY_SECRET?: string }).LOCAL_RELAY_SECRET;
	if (!secret) return c.json({ error: "Not found" }, 404);
	const text = await c.req.text();
	if (text.length > MAX_ENROLL_BODY) return c.json({ error: "The body is too large" }, 413);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return c.json({ error: "The body must be JSON" }, 400);
	}
	try {
		const result = await localEnroll(createDb(c.env.DB), secret, body, systemClock.now());
		return c.json(result.body, result.status);
	} catch (error) {
		logError(c.get("requestId"), "local relay enrolment failed", error);
		return c.json({ error: "Internal error, please contact your system administrator" }, 500);
	}
});

app.on(["GET", "POST"], "/client/api", async (c) => {
	const deps = await buildDeps(c.env);
	const response = await handleApiRequest(
		c.req.raw,
		deps,
		{
			method: c.req.method,
			sourceIp: c.req.header("cf-connecting-ip") ?? "unknown",
			secure: new URL(c.req.url).protocol === "https:",
		},
		c.get("requestId"),
	);
	// The outbox: events this request wrote go to matching webhooks while the response is sent.
	if (takeEventsPending()) {
		c.executionCtx.waitUntil(
			engineDeps(c.env)
				.then(publishAfterRequest)
				.catch((error) => logError(c.get("requestId"), "publishing events to webhooks failed", error)),
		);
	}
	return response;
});
