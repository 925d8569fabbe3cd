/** @module The only place that reads the wall clock, so tests can inject time. */

export interface Clock {
	now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
