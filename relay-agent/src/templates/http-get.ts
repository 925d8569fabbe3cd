/**
 * @module One guarded HTTP(S) GET for a template download. Node's http/https (not fetch) so the
 * socket goes to the address that was checked: a custom `lookup` resolves the name, refuses it when
 * any address is in a denied range and hands the connection exactly the addresses it checked (no
 * second resolution an attacker's DNS could answer differently). Literal-IP URLs skip DNS, so they
 * are checked here first. Redirects are followed by hand, each target checked the same way.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AGENT_VERSION } from "../version.ts";
import { type Cidr, deniedBy, parseAddress } from "./cidr.ts";
import { DownloadError } from "./errors.ts";

export interface GetOptions {
	denied: readonly Cidr[];
	maxRedirects: number;
	/** The longest wait for the response headers. */
	headersTimeoutMs: number;
	signal: AbortSignal;
	headers?: Record<string, string>;
}

export interface Opened {
	response: IncomingMessage;
	request: ClientRequest;
	/** Where the body comes from (after redirects). */
	url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL as messages show it: no user, password or query (a signed URL's query is a secret). */
export function shownUrl(url: URL | string): string {
	const parsed = typeof url === "string" ? new URL(url) : url;
	return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** GETs `url`, following up to `maxRedirects` redirects; resolves with the first non-redirect response. */
export async function openGet(url: string, options: GetOptions): Promise<Opened> {
	let current = new URL(url);
	for (let redirects = 0; ; redirects++) {
		checkTarget(current, options.denied);
		const opened = await request(current, options);
		const { statusCode = 0, headers } = opened.response;
		if (!REDIRECTS.has(statusCode) || headers.location === undefined) return opened;
		opened.response.resume();
		opened.request.destroy();
		if (redirects >= options.maxRedirects) {
			throw new DownloadError(
				`too many redirects: more than ${options.maxRedirects} from ${shownUrl(url)} (template.download.max.redirects)`,
			);
		}
		let next: URL;
		try {
			next = new URL(headers.location, current);
		} catch {
			throw new DownloadError(`a bad redirect from ${shownUrl(current)}: ${headers.location.slice(0, 200)}`);
		}
		if (next.protocol !== "http:" && next.protocol !== "https:") {
			throw new DownloadError(
				`a redirect to ${next.protocol} is refused: only http and https (from ${shownUrl(current)})`,
			);
		}
		current = next;
	}
}

function checkTarget(url: URL, denied: readonly Cidr[]): void {
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new DownloadError(`only http and https URLs can be downloaded, not ${url.protocol}`);
	}
	if (parseAddress(url.hostname)) {
		const range = deniedBy(url.hostname, denied);
		if (range) throw deniedError(url, url.hostname, range);
	}
}

function deniedError(url: URL, address: string, range: Cidr): DownloadError {
	return new DownloadError(
		`${shownUrl(url)} is refused: ${address} is in the denied range ${range.text} (template.download.denied.cidrs)`,
	);
}

/** A lookup that refuses denied addresses and returns exactly what it checked. */
function guardedLookup(url: URL, denied: readonly Cidr[]): LookupFunction {
	return (hostname, options, callback) => {
		dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }, (error, found) => {
			if (error) return callback(error, "", 0);
			const addresses = found as LookupAddress[];
			for (const { address } of addresses) {
				const range = deniedBy(address, denied);
				if (range) return callback(deniedError(url, `${hostname} (${address})`, range), "", 0);
			}
			const first = addresses[0];
			if (!first) return callback(new DownloadError(`${hostname} has no address`), "", 0);
			// net asks for every address (all: true) when it races IPv4 and IPv6; both are checked.
			if ((options as { all?: boolean }).all) return (callback as unknown as AllCallback)(null, addresses);
			callback(null, first.address, first.family);
		});
	};
}

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

function request(url: URL, options: GetOptions): Promise<Opened> {
	return new Promise((resolve, reject) => {
		const get = url.protocol === "https:" ? https.get : http.get;
		const auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
		const req = get(
			url.href,
			{
				lookup: guardedLookup(url, options.denied),
				// A fresh socket each time: a pooled one may lead to an address checked under older rules.
				agent: false,
				signal: options.signal,
				headers: {
					"User-Agent": `flarestack-relay/${AGENT_VERSION}`,
					"Accept-Encoding": "identity",
					...options.headers,
				},
				...(auth ? { auth } : {}),
			},
			(response) => {
				clearTimeout(timer);
				resolve({ response, request: req, url });
			},
		);
		const timer = setTimeout(() => {
			req.destroy(new DownloadError(`no answer from ${shownUrl(url)} in ${options.headersTimeoutMs} ms`, true));
		}, options.headersTimeoutMs);
		req.on("error", (error) => {
			clearTimeout(timer);
			reject(networkError(error, url));
		});
	});
}

/** A socket or TLS failure as an operator reads it, and whether retrying may help. */
export function networkError(error: unknown, url: URL): Error {
	if (error instanceof DownloadError) return error;
	const { code, message } = error as NodeJS.ErrnoException;
	if (code === "ABORT_ERR") return error as Error;
	const where = shownUrl(url);
	switch (code) {
		case "ECONNREFUSED":
			return new DownloadError(`cannot connect to ${url.host} for ${where}: connection refused`, true);
		case "ENOTFOUND":
			return new DownloadError(`cannot resolve ${url.hostname} for ${where}: no such host`);
		case "EAI_AGAIN":
			return new DownloadError(`cannot resolve ${url.hostname} for ${where}: DNS did not answer`, true);
		case "ETIMEDOUT":
		case "EHOSTUNREACH":
		case "ENETUNREACH":
			return new DownloadError(`cannot reach ${url.host} for ${where}: ${code}`, true);
		case "ECONNRESET":
		case "EPIPE":
			return new DownloadError(`the connection to ${url.host} was reset while reading ${where}`, true);
	}
	if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) {
		return new DownloadError(`TLS failed for ${where}: ${message}`);
	}
	return new DownloadError(`cannot read ${where}: ${message}`, true);
}
