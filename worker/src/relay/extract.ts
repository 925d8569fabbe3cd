/**
 * @module extractTemplate's download links, outbound-only. A link is a short-lived HS256 JWT (jose,
 * key derived from SECRET_KEK) naming a template and zone: `GET /client/extract/<token>/<file>`.
 * Fetching it asks the zone's ZoneRelay to have the agent stream the file from secondary storage
 * (`template.upload`): the agent POSTs the bytes to `/relay/v1/stream/<id>` with its own relay
 * JWT, and the DO hands that body to the waiting download. No site port is opened, no copy is made.
 */
import { and, eq, isNull } from "drizzle-orm";
import { jwtVerify, SignJWT } from "jose";
import type { Db } from "../db/client";
import { imageStores, templateStores, templates } from "../db/schema";
import { fromBase64 } from "../lib/ids";
import { storeLocationOfImageStore } from "../templates/locations";
import { verifyRelayRequest } from "./jwt";

const AUDIENCE = "flarestack:extract";
const encoder = new TextEncoder();

/** The link key: HKDF-SHA-256 of SECRET_KEK, so a link never reveals or reuses the KEK itself. */
async function linkKey(env: Env): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey("raw", fromBase64(env.SECRET_KEK), "HKDF", false, ["deriveKey"]);
	return crypto.subtle.deriveKey(
		{ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("flarestack extract link v1") },
		material,
		{ name: "HMAC", hash: "SHA-256", length: 256 },
		false,
		["sign", "verify"],
	);
}

export interface ExtractLink {
	templateId: string;
	zoneId: string;
}

/** A link valid until `expiresAt` (epoch ms). */
export async function signExtractToken(env: Env, link: ExtractLink, expiresAt: number): Promise<string> {
	return new SignJWT({ z: link.zoneId })
		.setProtectedHeader({ alg: "HS256" })
		.setSubject(link.templateId)
		.setAudience(AUDIENCE)
		.setExpirationTime(Math.floor(expiresAt / 1000))
		.sign(await linkKey(env));
}

async function verifyExtractToken(env: Env, token: string, now: number): Promise<ExtractLink | null> {
	try {
		const { payload } = await jwtVerify(token, await linkKey(env), {
			audience: AUDIENCE,
			algorithms: ["HS256"],
			currentDate: new Date(now),
		});
		if (typeof payload.sub !== "string" || typeof payload.z !== "string") return null;
		return { templateId: payload.sub, zoneId: payload.z };
	} catch {
		return null;
	}
}

const refuse = (status: number, error: string) => Response.json({ error }, { status });

/** `GET /client/extract/<token>/<file>`: the template's bytes, streamed from the site. */
export async function serveExtract(env: Env, db: Db, token: string, now: number): Promise<Response> {
	const link = await verifyExtractToken(env, token, now);
	if (!link) return refuse(403, "This download link is invalid or has expired: extract the template again");
	const row = await db
		.select({
			path: templateStores.path,
			bytes: templateStores.physicalBytes,
			store: imageStores,
		})
		.from(templateStores)
		.innerJoin(templates, eq(templates.id, templateStores.templateId))
		.innerJoin(imageStores, eq(imageStores.id, templateStores.imageStoreId))
		.where(
			and(
				eq(templateStores.templateId, link.templateId),
				eq(templateStores.zoneId, link.zoneId),
				eq(templateStores.state, "Ready"),
				isNull(templates.removed),
			),
		)
		.get();
	if (!row?.path) return refuse(404, "The template is no longer on this zone's secondary storage");
	const stub = env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(link.zoneId));
	return stub.fetch("https://zone-relay/extract", {
		method: "POST",
		body: JSON.stringify({ store: storeLocationOfImageStore(row.store), path: row.path, bytes: row.bytes }),
	});
}

/** `POST /relay/v1/stream/<id>`: an agent's upload for a waiting download (its relay's zone). */
export async function receiveStream(request: Request, env: Env, db: Db, streamId: string, now: number) {
	const verified = await verifyRelayRequest(db, request, now);
	if (!verified?.ok) return refuse(401, "The relay credential is invalid");
	if (!request.body) return refuse(400, "The upload has no body");
	const stub = env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(verified.relay.zoneId));
	return stub.fetch(`https://zone-relay/stream/${encodeURIComponent(streamId)}`, {
		method: "POST",
		body: request.body,
	});
}

/** How long a download waits for the agent's upload to begin. */
const UPLOAD_START_MS = 30_000;

interface Waiting {
	bytes: number;
	/** Resolves with the download's response once the agent's upload arrives (or with an error). */
	settle: (response: Response) => void;
}

/**
 * Inside the ZoneRelay: pairs a download with the agent's upload by stream id. Both requests are
 * open at once, so the DO stays in memory for the transfer; nothing is kept in storage.
 */
export class StreamRendezvous {
	private readonly waiting = new Map<string, Waiting>();

	/** A download waits here; `send` gives the agent the command (false: no agent connected). */
	download(bytes: number, send: (streamId: string) => Promise<boolean>): Promise<Response> {
		const streamId = crypto.randomUUID();
		return new Promise<Response>((resolve) => {
			const timer = setTimeout(() => {
				if (this.waiting.delete(streamId)) resolve(refuse(504, "The relay agent did not start the transfer in time"));
			}, UPLOAD_START_MS);
			this.waiting.set(streamId, {
				bytes,
				settle: (response) => {
					clearTimeout(timer);
					resolve(response);
				},
			});
			void send(streamId).then((sent) => {
				if (sent || !this.waiting.delete(streamId)) return;
				clearTimeout(timer);
				resolve(refuse(503, "The zone's relay agent is not connected; try again when it is"));
			});
		});
	}

	/** The agent's upload: its body becomes the download's; answers the agent when all went through. */
	async upload(streamId: string, body: ReadableStream<Uint8Array>): Promise<Response> {
		const waiting = this.waiting.get(streamId);
		if (!waiting) return refuse(404, "No download waits for this stream");
		this.waiting.delete(streamId);
		// A fixed length, so the client sees Content-Length and a short upload fails instead of
		// looking complete.
		const { readable, writable } = new FixedLengthStream(waiting.bytes);
		waiting.settle(
			new Response(readable, {
				headers: {
					"content-type": "application/octet-stream",
					"content-length": String(waiting.bytes),
					"cache-control": "no-store",
				},
			}),
		);
		try {
			await body.pipeTo(writable);
			return Response.json({ ok: true });
		} catch {
			return refuse(499, "The download was interrupted");
		}
	}

	/** The agent could not send the file (its answer was a failure): the download gets the reason. */
	failed(streamId: string, text: string): void {
		const waiting = this.waiting.get(streamId);
		if (!waiting) return;
		this.waiting.delete(streamId);
		waiting.settle(refuse(502, `The relay agent could not read the template: ${text}`));
	}
}
