/** @module The Worker's HTTP surface: /client/api (CloudStack), /health, / → the console at /client/. Bindings are read only here. */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { handleApiRequest } from "./api/dispatch";
import { errorBody, render } from "./api/envelope";
import { CsError, ERROR } from "./api/errors";
import type { Deps } from "./commands/types";
import { bootstrap } from "./db/bootstrap";
import { createDb } from "./db/client";
import { takeEventsPending } from "./db/events";
import { depsFor } from "./deps";
import type { AppEnv } from "./env";
import { systemClock } from "./lib/clock";
import { logError } from "./lib/log";
import { connectRelay } from "./relay/connect";
import { enrollRelay } from "./relay/enroll";
import { receiveStream, serveExtract } from "./relay/extract";
import { relayLinkFor } from "./relay/link-impl";
import { localEnroll } from "./relay/local-enroll";
import { finishImport, registerImport } from "./relay/template-import";
import { refreshZoneUsage } from "./templates/usage";
import { engineDeps } from "./webhooks/engine";
import { publishAfterRequest } from "./webhooks/publisher";

let bootstrapped: Promise<void> | null = null;

async function buildDeps(env: Env): Promise<Deps> {
	bootstrapped ??= bootstrap(createDb(env.DB), systemClock.now(), env.ADMIN_PASSWORD || undefined).catch((error) => {
		bootstrapped = null;
		throw error;
	});
	await bootstrapped;
	return depsFor(env);
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

// The web console is static assets under /client/ (wrangler.toml [assets]); the root leads to it.
app.get("/", (c) => c.redirect("/client/", 302));

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

// `flarestack-relay template import`: register, then report the upload (relay/template-import.ts).
app.post("/relay/v1/template-import", (c) =>
	relayJsonRoute(c.req.raw, c.env, c.executionCtx, (db, body, now) => registerImport(db, c.req.raw, body, now)),
);
app.post("/relay/v1/template-import/:templateId", (c) =>
	relayJsonRoute(c.req.raw, c.env, c.executionCtx, (db, body, now) =>
		finishImport(db, c.req.raw, c.req.param("templateId"), body, now),
	),
);

/** A small JSON body from a relay agent, handled by `handle`; events and usage follow the answer. */
async function relayJsonRoute(
	request: Request,
	env: Env,
	executionCtx: { waitUntil(promise: Promise<unknown>): void },
	handle: (
		db: ReturnType<typeof createDb>,
		body: unknown,
		now: number,
	) => Promise<{ status: number; body: Record<string, unknown>; changedZone?: string }>,
): Promise<Response> {
	const text = await request.text();
	if (text.length > MAX_ENROLL_BODY) return Response.json({ error: "The body is too large" }, { status: 413 });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return Response.json({ error: "The body must be JSON" }, { status: 400 });
	}
	try {
		const db = createDb(env.DB);
		const result = await handle(db, body, systemClock.now());
		if (result.changedZone) {
			executionCtx.waitUntil(refreshZoneUsage({ db, relay: relayLinkFor(env) }, result.changedZone));
		}
		if (takeEventsPending()) {
			executionCtx.waitUntil(
				engineDeps(env)
					.then(publishAfterRequest)
					.catch((error) => logError("relay", "publishing events to webhooks failed", error)),
			);
		}
		return Response.json(result.body, { status: result.status });
	} catch (error) {
		logError("relay", "relay template import failed", error);
		return Response.json({ error: "Internal error, please contact your system administrator" }, { status: 500 });
	}
}

// extractTemplate/extractIso links: the bytes come from the site's relay agent as they are read.
app.get("/client/extract/:token/:file", async (c) => {
	try {
		return await serveExtract(c.env, createDb(c.env.DB), c.req.param("token"), systemClock.now());
	} catch (error) {
		logError(c.get("requestId"), "serving an extract link failed", error);
		return c.json({ error: "Internal error, please contact your system administrator" }, 500);
	}
});

// A relay agent's upload for a waiting extract download (template.upload).
app.post("/relay/v1/stream/:id", async (c) => {
	try {
		return await receiveStream(c.req.raw, c.env, createDb(c.env.DB), c.req.param("id"), systemClock.now());
	} catch (error) {
		logError(c.get("requestId"), "relay stream failed", error);
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
			origin: new URL(c.req.url).origin,
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
