/**
 * @module When to try a failed delivery again: exponential backoff with full jitter (a random
 * delay between 0 and base·2^(n-1) seconds before try n+1, capped), Retry-After honoured on 429
 * and 503, and nothing scheduled past the retry window.
 */

/** Queues accept at most 12 h of delay per message. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;
/** The longest single backoff step, whatever the attempt number. */
const MAX_BACKOFF_SECONDS = 6 * 3600;

/** Seconds to wait after `attempts` failed tries (1 = the first failure), `random` in [0, 1). */
export function backoffSeconds(attempts: number, baseSeconds: number, random: number): number {
	const ceiling = Math.min(MAX_BACKOFF_SECONDS, baseSeconds * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
	return Math.max(1, Math.ceil(random * ceiling));
}

/** A Retry-After header (delta seconds or an HTTP date) as seconds from `now`, or null. */
export function parseRetryAfter(value: string | null, now: number): number | null {
	if (!value) return null;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return null;
	return Math.max(0, Math.ceil((date - now) / 1000));
}

export interface RetryInput {
	/** Failed tries so far, this one included. */
	attempts: number;
	status: number | null;
	retryAfter: string | null;
	now: number;
	/** When the delivery was created; retries stop `windowSeconds` after it. */
	firstAttemptAt: number;
	baseSeconds: number;
	windowSeconds: number;
	random: number;
}

/** The next attempt's time (epoch ms), or null when the retry window is used up. */
export function nextAttemptAt(input: RetryInput): number | null {
	let delay = backoffSeconds(input.attempts, input.baseSeconds, input.random);
	if (input.status === 429 || input.status === 503) {
		const asked = parseRetryAfter(input.retryAfter, input.now);
		if (asked !== null) delay = Math.max(1, asked);
	}
	const at = input.now + delay * 1000;
	return at > input.firstAttemptAt + input.windowSeconds * 1000 ? null : at;
}
