/**
 * @module One delivery attempt: the request headers (CloudStack's X-CS-* and Standard Webhooks'
 * webhook-*), a POST that never follows redirects and gives up after the timeout, and what came
 * back (status, the first 1 KiB of the body or the error text, duration).
 */
import { contentTypeOf } from "./payload";
import { csSignature, standardSignature } from "./signing";

/** How much of a response body the log keeps. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface HeaderInput {
	/** Standard Webhooks' message id: the delivery id, the same on every retry of it. */
	messageId: string;
	eventId: string;
	eventType: string;
	/** The event's account uuid, for `User-Agent: CS-Hookshot/<uuid>`. */
	accountId: string | null;
	payload: string;
	secret: string | null;
	nowMs: number;
}

export async function deliveryHeaders(input: HeaderInput): Promise<Record<string, string>> {
	const timestamp = Math.floor(input.nowMs / 1000);
	const headers: Record<string, string> = {
		"Content-Type": contentTypeOf(input.payload),
		"User-Agent": `CS-Hookshot/${input.accountId ?? ""}`,
		"X-CS-Event": input.eventType,
		"X-CS-Event-ID": input.eventId,
		"webhook-id": input.messageId,
		"webhook-timestamp": String(timestamp),
	};
	if (input.secret) {
		headers["X-CS-Signature"] = await csSignature(input.secret, input.payload);
		headers["webhook-signature"] = await standardSignature(input.secret, input.messageId, timestamp, input.payload);
	}
	return headers;
}

/** The newline-joined `Name: value` form the delivery log shows (CloudStack's `headers`). */
export function headerText(headers: Record<string, string>): string {
	return Object.entries(headers)
		.map(([name, value]) => `${name}: ${value}`)
		.join("\n");
}

export interface AttemptResult {
	/** HTTP status, or null when no response came (timeout, refused, reset, bad URL). */
	status: number | null;
	success: boolean;
	/** The response body's first bytes, or the error text. */
	response: string;
	retryAfter: string | null;
	durationMs: number;
}

async function excerpt(response: Response): Promise<string> {
	const reader = response.body?.getReader();
	if (!reader) return "";
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < RESPONSE_EXCERPT_BYTES) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.byteLength;
		}
	} catch {
		// A body cut short still yields what arrived.
	} finally {
		reader.cancel().catch(() => {});
	}
	const all = new Uint8Array(Math.min(size, RESPONSE_EXCERPT_BYTES));
	let offset = 0;
	for (const chunk of chunks) {
		const part = chunk.subarray(0, all.length - offset);
		all.set(part, offset);
		offset += part.length;
		if (offset >= all.length) break;
	}
	return new TextDecoder().decode(all);
}

function errorText(error: unknown, timeoutSeconds: number): string {
	if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
		return `No response within ${timeoutSeconds} seconds`;
	}
	const message = error instanceof Error ? error.message : String(error);
	return `Request failed: ${message}`.slice(0, RESPONSE_EXCERPT_BYTES);
}

/** POSTs `payload` once; never throws. */
export async function postOnce(
	url: string,
	headers: Record<string, string>,
	payload: string,
	timeoutSeconds: number,
	clock: () => number = Date.now,
): Promise<AttemptResult> {
	const started = clock();
	const signal = AbortSignal.timeout(timeoutSeconds * 1000);
	try {
		const response = await fetch(url, { method: "POST", headers, body: payload, redirect: "manual", signal });
		const body = await excerpt(response);
		return {
			status: response.status,
			success: response.status >= 200 && response.status < 300,
			response: body,
			retryAfter: response.headers.get("retry-after"),
			durationMs: clock() - started,
		};
	} catch (error) {
		return {
			status: null,
			success: false,
			response: errorText(error, timeoutSeconds),
			retryAfter: null,
			durationMs: clock() - started,
		};
	}
}
