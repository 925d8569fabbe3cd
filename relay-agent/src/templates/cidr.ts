/**
 * @module The address ranges a template URL may not reach (template.download.denied.cidrs): IPv4
 * and IPv6 CIDRs as 32/128-bit integers, so a check can name the range that matched. An IPv4 address
 * written as IPv6 (`::ffff:10.0.0.1`) is checked as the IPv4 address it is, or it would slip past.
 */
import { isIPv4, isIPv6 } from "node:net";

export interface Cidr {
	text: string;
	family: 4 | 6;
	base: bigint;
	bits: number;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a bare address (a /32 or /128); null when it is neither. */
export function parseCidr(text: string): Cidr | null {
	const [address = "", prefix, extra] = text.trim().split("/");
	if (extra !== undefined) return null;
	const parsed = parseAddress(address);
	if (!parsed) return null;
	const max = parsed.family === 4 ? 32 : 128;
	const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
	if (!(bits >= 0 && bits <= max)) return null;
	return { text: text.trim(), family: parsed.family, base: mask(parsed.value, bits, max), bits };
}

/** The first range in `ranges` that holds `address`, or undefined. */
export function deniedBy(address: string, ranges: readonly Cidr[]): Cidr | undefined {
	const parsed = parseAddress(address);
	if (!parsed) return undefined;
	const max = parsed.family === 4 ? 32 : 128;
	return ranges.find((range) => range.family === parsed.family && mask(parsed.value, range.bits, max) === range.base);
}

/** An IP address as a number; IPv4-mapped IPv6 comes back as IPv4; a zone (`%eth0`) is dropped. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
	const address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
	if (isIPv4(address)) return { family: 4, value: ipv4(address) };
	if (!isIPv6(address)) return null;
	const value = ipv6(address);
	if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
	return { family: 6, value };
}

function ipv4(address: string): bigint {
	return address.split(".").reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
}

function ipv6(address: string): bigint {
	let text = address.toLowerCase();
	// A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
	const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (tail?.[1]) {
		const v4 = ipv4(tail[1]);
		text = `${text.slice(0, -tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
	}
	const [head = "", rest] = text.split("::");
	const left = head === "" ? [] : head.split(":");
	const right = rest === undefined || rest === "" ? [] : rest.split(":");
	const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
	return groups.reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function mask(value: bigint, bits: number, max: number): bigint {
	const host = BigInt(max - bits);
	return (value >> host) << host;
}
