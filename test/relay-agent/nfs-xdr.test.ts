import { describe, expect, it } from "vitest";
import { XdrError, XdrReader, XdrWriter } from "../../relay-agent/src/nfs/xdr.ts";

describe("XDR", () => {
	it("round-trips words, hypers, booleans, strings and opaque data with 4-byte padding", () => {
		const w = new XdrWriter(4)
			.u32(0xdeadbeef)
			.u64(2 ** 40 + 7)
			.bool(true)
			.string("abcde")
			.opaque(Buffer.from([1, 2]))
			.fixed(Buffer.from("12345678"));
		const bytes = w.bytes();
		expect(bytes.length).toBe(4 + 8 + 4 + (4 + 8) + (4 + 4) + 8);
		const r = new XdrReader(bytes);
		expect(r.u32()).toBe(0xdeadbeef);
		expect(r.u64()).toBe(2 ** 40 + 7);
		expect(r.bool()).toBe(true);
		expect(r.string()).toBe("abcde");
		expect([...r.opaque()]).toEqual([1, 2]);
		expect(r.fixed(8).toString()).toBe("12345678");
		expect(r.remaining).toBe(0);
	});

	it("writes padding as zero bytes", () => {
		expect([...new XdrWriter().string("a").bytes()]).toEqual([0, 0, 0, 1, 97, 0, 0, 0]);
	});

	it("refuses a reply that ends early or an opaque over its limit", () => {
		expect(() => new XdrReader(Buffer.from([0, 0])).u32()).toThrow(XdrError);
		expect(() => new XdrReader(new XdrWriter().u32(10).bytes()).opaque()).toThrow(/ends early/);
		expect(() => new XdrReader(new XdrWriter().opaque(Buffer.alloc(65)).bytes()).opaque(64)).toThrow(/at most 64/);
	});

	it("refuses values a hyper cannot carry exactly", () => {
		expect(() => new XdrWriter().u64(-1)).toThrow(XdrError);
		expect(() => new XdrWriter().u64(2 ** 53)).toThrow(XdrError);
	});
});
