/**
 * @module Enrolment: trade a one-time token (or, in local development, the dev secret) for this
 * relay's identity. The key pair is made here; the private key is written (mode 0600) before the
 * public one is sent, so an enrolment that succeeds always has its key on disk.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { DEFAULT_KEY_FILE, DEFAULT_STATE_FILE, type DriverName, writeConfig } from "./config.ts";
import { generateIdentity, saveKey } from "./identity.ts";
import type { Logger } from "./log.ts";

export interface EnrollOptions {
	url: string;
	/** The one-time token from createRelayEnrollmentToken. */
	token: string;
	name?: string;
	configFile: string;
	driver?: DriverName;
	fetch?: typeof fetch;
}

export interface LocalEnrollOptions extends Omit<EnrollOptions, "token"> {
	/** LOCAL_RELAY_SECRET of the local `wrangler dev` (from FLARESTACK_LOCAL_RELAY_SECRET). */
	secret: string;
	log: Logger;
	/** How long to keep asking while the Worker has no zone without a relay yet (409) or is not up; default: forever. */
	waitMs?: number;
	retryMs?: number;
}

export interface Enrolled {
	relayId: string;
	zoneId: string;
	configFile: string;
	keyFile: string;
}

/** Enrolment refused or impossible; `status` is the HTTP status when there was an answer. */
export class EnrollError extends Error {
	readonly status: number | undefined;
	constructor(message: string, status?: number) {
		super(message);
		this.name = "EnrollError";
		this.status = status;
	}
}

/** `POST {url}/relay/v1/enroll {token, name, publicKey}` → `{relayId, zoneId}`; writes key and config. */
export function enroll(options: EnrollOptions): Promise<Enrolled> {
	return register(options, "/relay/v1/enroll", { token: options.token });
}

/**
 * `POST {url}/relay/v1/local-enroll {secret, name, publicKey}`: enrols into the oldest zone without
 * an Enabled relay. Until such a zone exists the Worker answers 409; this asks again every
 * `retryMs` (also while the local Worker does not answer yet) for up to `waitMs`.
 */
export async function localEnroll(options: LocalEnrollOptions): Promise<Enrolled> {
	const { waitMs = Number.POSITIVE_INFINITY, retryMs = 2000, log } = options;
	const giveUp = Date.now() + waitMs;
	let told = false;
	for (;;) {
		try {
			return await register(options, "/relay/v1/local-enroll", { secret: options.secret });
		} catch (error) {
			// 409: no zone without a relay yet; no status: the local Worker is not answering yet.
			const waiting = error instanceof EnrollError && (error.status === 409 || error.status === undefined);
			if (!waiting || Date.now() + retryMs > giveUp) throw error;
			if (!told) log.info("waiting for a zone without a relay (create one to continue)", { error: error.message });
			told = true;
			await new Promise((resolve) => setTimeout(resolve, retryMs));
		}
	}
}

async function register(
	options: EnrollOptions | LocalEnrollOptions,
	route: string,
	credential: Record<string, string>,
): Promise<Enrolled> {
	const { url, configFile, driver } = options;
	const base = url.replace(/\/+$/, "");
	const name = (options.name ?? hostname()).slice(0, 255);
	const configDir = path.dirname(path.resolve(configFile));
	const keyFile = path.join(configDir, DEFAULT_KEY_FILE);
	const { privateJwk, publicJwk } = await generateIdentity();
	// Written before the public half is sent: a relay the Worker has enrolled always has its key here.
	await saveKey(keyFile, privateJwk);

	let response: Response;
	try {
		response = await (options.fetch ?? fetch)(`${base}${route}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ ...credential, name, publicKey: publicJwk }),
			signal: AbortSignal.timeout(30_000),
		});
	} catch (error) {
		throw new EnrollError(`cannot reach ${base}: ${(error as Error).message}`);
	}
	const text = await response.text();
	let body: Record<string, unknown> = {};
	try {
		body = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// Not JSON: reported below with the status.
	}
	if (!response.ok) {
		const why = typeof body.error === "string" ? body.error : text.slice(0, 200) || response.statusText;
		throw new EnrollError(`enrolment refused (HTTP ${response.status}): ${why}`, response.status);
	}
	const { relayId, zoneId } = body;
	if (typeof relayId !== "string" || typeof zoneId !== "string") {
		throw new EnrollError(`enrolment answer without relayId and zoneId (HTTP ${response.status})`, response.status);
	}
	await writeConfig(configFile, {
		url: base,
		zoneId,
		relayId,
		name,
		keyFile: path.basename(keyFile),
		stateFile: DEFAULT_STATE_FILE,
		...(driver ? { driver } : {}),
	});
	return { relayId, zoneId, configFile: path.resolve(configFile), keyFile };
}

/** Whether `configFile` already holds an enrolled identity. */
export function isEnrolled(configFile: string): boolean {
	return existsSync(configFile);
}
