/** The logger never writes a failed query's bound values (worker/src/lib/log.ts). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { logError, redact } from "../../worker/src/lib/log";

afterEach(() => vi.restoreAllMocks());

describe("logError", () => {
	it("redacts drizzle's params from the stack and from non-Error values", () => {
		const lines: string[] = [];
		vi.spyOn(console, "error").mockImplementation((line: string) => lines.push(line));
		const failed = new Error('Failed query: insert into "users" values (?, ?)\nparams: alice,pbkdf2$secret-hash');
		logError("r1", "unhandled error in API command", failed);
		logError("r2", "odd", "Failed query: select 1\nparams: token-123");
		expect(lines).toHaveLength(2);
		for (const line of lines) {
			expect(line).not.toContain("secret-hash");
			expect(line).not.toContain("token-123");
			expect(line).toContain("params: [redacted]");
		}
		expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: "error", requestId: "r1", name: "Error" });
	});

	it("leaves other text alone", () => {
		expect(redact("TypeError: x is undefined\n    at f (a.ts:1)")).toBe("TypeError: x is undefined\n    at f (a.ts:1)");
	});
});
