/**
 * @module `GET /relay/v1/connect?zoneid=…`: a relay agent's WebSocket upgrade. The Worker checks
 * the agent's JWT (verifyRelayJwt) before anything reaches the zone's Durable Object, so refusals
 * are plain HTTP JSON `{error, reason}`: 401 (invalid, expired, replayed: the agent retries with a
 * new JWT) or 403 (revoked, unknown: the agent exits). The DO trusts only the x-relay-* headers set here.
 */
import type { Db } from "../db/client";
import { type RelayJwtReason, verifyRelayJwt } from "./jwt";

const REFUSALS: Record<RelayJwtReason, { status: 401 | 403; error: string }> = {
	invalid: { status: 401, error: "The relay credential is invalid" },
	expired: { status: 401, error: "The relay credential has expired" },
	replayed: { status: 401, error: "The relay credential was already used" },
	revoked: { status: 403, error: "This relay is revoked" },
	unknown: { status: 403, error: "This relay is not enrolled" },
};

/** Headers only the Worker may set: an agent's own copies are dropped. */
const INTERNAL_HEADERS = ["x-relay-id", "x-relay-name", "x-zone-id"];

export async function connectRelay(request: Request, env: Env, db: Db, now: number): Promise<Response> {
	if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
		return Response.json({ error: "Expected a WebSocket upgrade", reason: "upgrade" }, { status: 400 });
	}
	const zoneId = new URL(request.url).searchParams.get("zoneid");
	if (!zoneId) return Response.json({ error: "zoneid is required", reason: "zoneid" }, { status: 400 });
	const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "");
	const verified = match?.[1] ? await verifyRelayJwt(db, match[1], zoneId, now) : null;
	if (!verified?.ok) {
		const reason: RelayJwtReason = verified ? verified.reason : "invalid";
		const { status, error } = REFUSALS[reason];
		return Response.json({ error, reason }, { status });
	}
	const headers = new Headers(request.headers);
	for (const name of INTERNAL_HEADERS) headers.delete(name);
	headers.delete("Authorization");
	headers.set("x-relay-id", verified.relay.id);
	headers.set("x-relay-name", verified.relay.name);
	headers.set("x-zone-id", zoneId);
	const stub = env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(zoneId));
	return stub.fetch(new Request(request.url, { headers }));
}
