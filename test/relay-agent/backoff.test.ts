import { describe, expect, it } from "vitest";
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from "../../relay-agent/src/backoff.ts";

describe("full-jitter backoff", () => {
	it("doubles the ceiling from the base up to the cap", () => {
		const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 10, 100, 5000].map((n) => backoffCeiling(n, DEFAULT_BACKOFF));
		expect(ceilings).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000]);
	});

	it("picks a delay in [0, ceiling) for every attempt", () => {
		for (let attempt = 0; attempt < 40; attempt++) {
			const ceiling = backoffCeiling(attempt, DEFAULT_BACKOFF);
			expect(backoffDelay(attempt, { ...DEFAULT_BACKOFF, random: () => 0 })).toBe(0);
			expect(backoffDelay(attempt, { ...DEFAULT_BACKOFF, random: () => 0.999999 })).toBe(ceiling - 1);
			for (let i = 0; i < 50; i++) {
				const delay = backoffDelay(attempt, DEFAULT_BACKOFF);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThan(ceiling);
				expect(Number.isInteger(delay)).toBe(true);
			}
		}
	});

	it("spreads delays over the whole range (jitter, not a fixed step)", () => {
		const delays = Array.from({ length: 2000 }, () => backoffDelay(8, DEFAULT_BACKOFF));
		expect(Math.min(...delays)).toBeLessThan(1000);
		expect(Math.max(...delays)).toBeGreaterThan(9000);
		expect(new Set(delays).size).toBeGreaterThan(500);
	});
});
