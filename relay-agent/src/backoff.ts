/**
 * @module Reconnect delays: "full jitter" exponential backoff (a uniformly random delay between 0
 * and min(cap, base·2^attempt)), which spreads a crowd of agents reconnecting after a Worker restart
 * instead of having them knock in step.
 */

export interface BackoffOptions {
	/** The first ceiling, in ms. */
	baseMs: number;
	/** The largest delay, in ms. */
	capMs: number;
	/** A number in [0, 1): Math.random unless a test fixes it. */
	random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 10_000 };

/** The ceiling for the `attempt`-th retry (0-based): base·2^attempt, at most the cap. */
export function backoffCeiling(attempt: number, { baseMs, capMs }: BackoffOptions): number {
	// 2^attempt overflows to Infinity long after it passes any cap; Math.min handles that.
	return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
}

/** The delay before the `attempt`-th retry (0-based), in whole ms. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
	const random = options.random ?? Math.random;
	return Math.floor(random() * backoffCeiling(attempt, options));
}
