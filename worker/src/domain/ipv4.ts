/**
 * @module IPv4 arithmetic for pods and guest ranges: addresses as unsigned 32-bit numbers, so
 * "inside the netmask", "gateway not in the range" and "ranges overlap" are plain comparisons.
 */

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a number, or null when `text` is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | null {
	const match = OCTETS.exec(text.trim());
	if (!match) return null;
	let value = 0;
	for (const part of match.slice(1)) {
		const octet = Number(part);
		if (octet > 255 || (part.length > 1 && part.startsWith("0"))) return null;
		value = value * 256 + octet;
	}
	return value;
}

export function formatIpv4(value: number): string {
	return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** The prefix length of a contiguous netmask (255.255.255.0 → 24), or null if it is not one. */
export function netmaskBits(netmask: string): number | null {
	const value = parseIpv4(netmask);
	if (value === null) return null;
	const inverted = ~value >>> 0;
	// A contiguous mask inverted is 2^k - 1: adding one leaves no bit in common with it.
	if ((inverted & (inverted + 1)) !== 0) return null;
	return 32 - Math.log2(inverted + 1);
}

/** The network address of `ip` under a prefix of `bits`. */
export function networkOf(ip: number, bits: number): number {
	return bits === 0 ? 0 : (ip & (~0 << (32 - bits))) >>> 0;
}

/** "10.1.0.0/16" → its network and prefix, or null for anything else. */
export function parseCidr(text: string): { network: number; bits: number } | null {
	const [address = "", prefix = "", extra] = text.trim().split("/");
	const ip = parseIpv4(address);
	if (ip === null || extra !== undefined || !/^\d{1,2}$/.test(prefix)) return null;
	const bits = Number(prefix);
	if (bits > 32) return null;
	return { network: networkOf(ip, bits), bits };
}

export interface Ipv4Range {
	start: number;
	end: number;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
	return a.start <= b.end && b.start <= a.end;
}

export function inRange(ip: number, range: Ipv4Range): boolean {
	return ip >= range.start && ip <= range.end;
}

/** Whether two addresses share the subnet of a prefix of `bits`. */
export function sameSubnet(a: number, b: number, bits: number): boolean {
	return networkOf(a, bits) === networkOf(b, bits);
}
