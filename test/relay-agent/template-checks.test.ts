/** The pure pieces of the template checks: denied ranges, qemu-img's JSON, qcow2 headers. */
import { describe, expect, it } from "vitest";
import { deniedBy, parseCidr } from "../../relay-agent/src/templates/cidr.ts";
import { parseRanges } from "../../relay-agent/src/templates/download.ts";
import { qcow2Refusal } from "../../relay-agent/src/templates/inspect.ts";
import { parseInfo } from "../../relay-agent/src/templates/qemu-img.ts";
import { qcow2Header } from "./template-fixtures.ts";

describe("denied ranges", () => {
	const ranges = parseRanges(["10.0.0.0/8", "169.254.169.254", "fd00::/8", "::1/128", "0.0.0.0/0"].slice(0, 4));

	it("matches IPv4, IPv6 and IPv4-mapped IPv6 addresses", () => {
		expect(deniedBy("10.200.3.4", ranges)?.text).toBe("10.0.0.0/8");
		expect(deniedBy("11.0.0.1", ranges)).toBeUndefined();
		expect(deniedBy("169.254.169.254", ranges)?.text).toBe("169.254.169.254");
		expect(deniedBy("169.254.169.253", ranges)).toBeUndefined();
		expect(deniedBy("fd12:3456::1", ranges)?.text).toBe("fd00::/8");
		expect(deniedBy("fe80::1%eth0", ranges)).toBeUndefined();
		expect(deniedBy("::1", ranges)?.text).toBe("::1/128");
		expect(deniedBy("[::1]", ranges)?.text).toBe("::1/128");
		expect(deniedBy("::ffff:10.1.2.3", ranges)?.text).toBe("10.0.0.0/8");
		expect(deniedBy("::ffff:a01:203", ranges)?.text).toBe("10.0.0.0/8");
		expect(deniedBy("2001:db8::1", ranges)).toBeUndefined();
	});

	it("treats /0 as everything and refuses bad entries", () => {
		expect(deniedBy("8.8.8.8", parseRanges(["0.0.0.0/0"]))).toBeDefined();
		expect(deniedBy("2001:db8::1", parseRanges(["::/0"]))).toBeDefined();
		for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "example.com", "10.0.0.0/8/1", ""]) {
			expect(parseCidr(bad), bad).toBeNull();
		}
		expect(() => parseRanges(["nope"])).toThrow("a bad range in template.download.denied.cidrs: nope");
	});
});

describe("qemu-img info JSON", () => {
	it("reads format, sizes, backing file and data file", () => {
		expect(
			parseInfo(
				JSON.stringify({
					format: "qcow2",
					"virtual-size": 1048576,
					"actual-size": 200704,
					"backing-filename": "base.qcow2",
					"format-specific": { type: "qcow2", data: { "data-file": "/tmp/d.raw" } },
				}),
			),
		).toEqual({
			format: "qcow2",
			virtualSize: 1048576,
			actualSize: 200704,
			backingFilename: "base.qcow2",
			dataFile: "/tmp/d.raw",
		});
		expect(() => parseInfo("qemu-img: oops")).toThrow("qemu-img info did not print JSON");
		expect(() => parseInfo("{}")).toThrow("no format or virtual-size");
	});
});

describe("qcow2 header check", () => {
	it("passes a plain qcow2 and anything that is not a qcow2", () => {
		expect(qcow2Refusal(qcow2Header(1024))).toBeUndefined();
		expect(qcow2Refusal(Buffer.alloc(4096))).toBeUndefined();
	});
	it("names the backing file or the external data file", () => {
		expect(qcow2Refusal(qcow2Header(1024, { backing: "/var/lib/x.img" }))).toBe(
			"a qcow2 with a backing file is refused: it names /var/lib/x.img",
		);
		expect(qcow2Refusal(qcow2Header(1024, { dataFile: "/dev/vda" }))).toBe(
			"a qcow2 with an external data file is refused: it names /dev/vda",
		);
	});
});
