/** IPv4 arithmetic behind pod and guest-range validation (worker/src/domain/ipv4.ts). */
import { describe, expect, it } from "vitest";
import {
	formatIpv4,
	inRange,
	netmaskBits,
	networkOf,
	parseCidr,
	parseIpv4,
	rangesOverlap,
	sameSubnet,
} from "../../worker/src/domain/ipv4";

describe("parseIpv4 / formatIpv4", () => {
	it("round-trips dotted quads, including the extremes", () => {
		for (const text of ["0.0.0.0", "10.1.2.3", "192.168.0.255", "255.255.255.255"]) {
			const value = parseIpv4(text);
			expect(value).not.toBeNull();
			expect(formatIpv4(value as number)).toBe(text);
		}
		expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
		expect(parseIpv4(" 10.0.0.1 ")).toBe(0x0a000001);
	});

	it("refuses anything that is not a plain dotted quad", () => {
		for (const text of ["", "10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "010.0.0.1", "10.0.0.-1", "1e1.0.0.1"]) {
			expect(parseIpv4(text), text).toBeNull();
		}
	});
});

describe("netmaskBits", () => {
	it("gives the prefix of contiguous masks", () => {
		expect(netmaskBits("255.255.255.0")).toBe(24);
		expect(netmaskBits("255.255.240.0")).toBe(20);
		expect(netmaskBits("255.255.255.255")).toBe(32);
		expect(netmaskBits("0.0.0.0")).toBe(0);
	});

	it("refuses holes and non-addresses", () => {
		expect(netmaskBits("255.0.255.0")).toBeNull();
		expect(netmaskBits("255.255.255.1")).toBeNull();
		expect(netmaskBits("24")).toBeNull();
	});
});

describe("subnets and ranges", () => {
	const ip = (text: string) => parseIpv4(text) as number;

	it("computes network addresses and CIDRs", () => {
		expect(formatIpv4(networkOf(ip("10.1.2.3"), 16))).toBe("10.1.0.0");
		expect(networkOf(ip("10.1.2.3"), 0)).toBe(0);
		expect(parseCidr("10.1.2.3/16")).toEqual({ network: ip("10.1.0.0"), bits: 16 });
		expect(parseCidr("10.1.0.0/33")).toBeNull();
		expect(parseCidr("10.1.0.0")).toBeNull();
		expect(parseCidr("10.1.0.0/16/2")).toBeNull();
	});

	it("compares subnets, membership and overlap", () => {
		expect(sameSubnet(ip("10.0.0.1"), ip("10.0.0.200"), 24)).toBe(true);
		expect(sameSubnet(ip("10.0.0.1"), ip("10.0.1.1"), 24)).toBe(false);
		const a = { start: ip("10.0.0.10"), end: ip("10.0.0.20") };
		expect(inRange(ip("10.0.0.10"), a)).toBe(true);
		expect(inRange(ip("10.0.0.21"), a)).toBe(false);
		expect(rangesOverlap(a, { start: ip("10.0.0.20"), end: ip("10.0.0.30") })).toBe(true);
		expect(rangesOverlap(a, { start: ip("10.0.0.21"), end: ip("10.0.0.30") })).toBe(false);
	});
});
