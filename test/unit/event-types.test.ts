/**
 * The event type catalogue (listEventTypes) names every type the worker writes: each literal
 * `type: "X.Y"` passed to eventInsert in worker/src is in WRITTEN_EVENT_TYPES, and that list holds
 * nothing the code no longer writes.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, WRITTEN_EVENT_TYPES } from "../../worker/src/domain/event-types";

declare global {
	interface ImportMeta {
		/** Vite's build-time glob import (the test runner is Vite-based). */
		glob<T>(pattern: string, options: { query: string; import: string; eager: true }): Record<string, T>;
	}
}

const sources = import.meta.glob<string>("../../worker/src/**/*.ts", { query: "?raw", import: "default", eager: true });

/**
 * Event types the sources pass to eventInsert: the literal in the `type:` right after each call,
 * plus the names the two computed forms take (a ternary of literals, a name table, a variable).
 */
function writtenTypes(): Set<string> {
	const found = new Set<string>();
	for (const text of Object.values(sources)) {
		// A dotted upper-case `type:` literal is an event type wherever it is (helpers such as
		// setPoolState take the EventInput and call eventInsert themselves).
		for (const m of text.matchAll(/\btype: "([A-Z][A-Z0-9_]*\.[A-Z0-9_.]+)"/g)) found.add(m[1] ?? "");
		if (!text.includes("eventInsert(")) continue;
		for (const call of text.split("eventInsert(").slice(1)) {
			const type = /\btype:\s*([^,\n]+)/.exec(call.slice(0, 600))?.[1] ?? "";
			for (const m of type.matchAll(/"([A-Z][A-Z0-9_.]+)"/g)) found.add(m[1] ?? "");
		}
		// `const EVENT: Record<string, string> = { enabled: "ACCOUNT.ENABLE", … }` and
		// `stateEvent = "ENABLE.PS"`: the names a computed `type:` takes.
		for (const m of text.matchAll(/(?:^\t\w+: |stateEvent = )"([A-Z][A-Z0-9_]*\.[A-Z0-9_.]+)"/gm))
			found.add(m[1] ?? "");
	}
	return found;
}

describe("event type catalogue", () => {
	it("finds the worker sources", () => {
		expect(Object.keys(sources).length).toBeGreaterThan(50);
	});

	it("lists every event type the worker writes", () => {
		const written = writtenTypes();
		expect(written.size).toBeGreaterThan(30);
		const missing = [...written].filter((t) => !(WRITTEN_EVENT_TYPES as readonly string[]).includes(t));
		expect(missing).toEqual([]);
		for (const t of written) expect(EVENT_TYPES).toContain(t);
		// The computed forms are seen too.
		for (const t of ["ACCOUNT.DISABLE", "ACCOUNT.ENABLE", "USER.DISABLE", "USER.ENABLE", "ENABLE.PS", "DISABLE.PS"]) {
			expect(written).toContain(t);
		}
	});

	it("lists nothing the worker no longer writes", () => {
		const written = writtenTypes();
		expect(WRITTEN_EVENT_TYPES.filter((t) => !written.has(t))).toEqual([]);
	});

	it("is sorted and has no duplicates", () => {
		expect([...EVENT_TYPES].sort()).toEqual(EVENT_TYPES);
		expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
	});
});
