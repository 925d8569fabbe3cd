/**
 * @module Egress safety for webhook payload URLs: http/https only, no credentials in the URL, and
 * no loopback, private, link-local, CGNAT, metadata or otherwise internal IP literal (or a name
 * that always means one) unless an operator allows it in `webhook.payload.url.allowed.cidrs`.
 * Used when a webhook is created or updated, and by the consumer before every attempt.
 *
 * DNS names are not resolved: a public name that resolves to an internal address is not caught
 * here (Workers' outbound fetch cannot reach private networks anyway).
 */
import { CsError, ERROR } from "../api/errors";
import { networkOf, parseIpv4 } from "../domain/ipv4";
import type { Settings } from "../domain/settings";

/** IPv4 ranges refused by default: [network, prefix bits, what it is]. */
const BLOCKED_V4: readonly (readonly [string, number, string])[] = [
	["0.0.0.0", 8, "this-network"],
	["10.0.0.0", 8, "private"],
	["100.64.0.0", 10, "carrier-grade NAT"],
	["127.0.0.0", 8, "loopback"],
	["169.254.0.0", 16, "link-local / metadata"],
	["172.16.0.0", 12, "private"],
	["192.0.0.0", 24, "IETF protocol assignments"],
	["192.168.0.0", 16, "private"],
	["224.0.0.0", 4, "multicast"],
	["240.0.0.0", 4, "reserved / broadcast"],
];

/** Names that always mean an internal address, mapped to it for the allow-list check. */
const INTERNAL_NAMES: readonly (readonly [RegExp, string])[] = [
	[/^(.+\.)?localhost$/, "127.0.0.1"],
	[/^localhost\.localdomain$/, "127.0.0.1"],
	[/^metadata\.google\.internal$/, "169.254.169.254"],
];

/** A parsed address: IPv4 as a 32-bit number, IPv6 as eight 16-bit groups. */
type Address = { v: 4; value: number } | { v: 6; groups: number[] };

interface Cidr {
	address: Address;
	bits: number;
}

/** Eight 16-bit groups for an IPv6 address (with optional `::` and dotted IPv4 tail), else null. */
export function parseIpv6(text: string): number[] | null {
	let body = text.trim().toLowerCase();
	if (body.startsWith("[") && body.endsWith("]")) body = body.slice(1, -1);
	if (body === "" || body.includes("%")) return null;
	let tail: number[] = [];
	const lastColon = body.lastIndexOf(":");
	if (lastColon >= 0 && body.slice(lastColon + 1).includes(".")) {
		const v4 = parseIpv4(body.slice(lastColon + 1));
		if (v4 === null) return null;
		tail = [v4 >>> 16, v4 & 0xffff];
		body = body.slice(0, lastColon + 1);
		// "…:a.b.c.d" leaves a single trailing colon to drop; "…::a.b.c.d" keeps its "::".
		if (!body.endsWith("::")) body = body.slice(0, -1);
	}
	const halves = body.split("::");
	if (halves.length > 2) return null;
	const toGroups = (part: string): number[] | null => {
		if (part === "") return [];
		const out: number[] = [];
		for (const group of part.split(":")) {
			if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
			out.push(Number.parseInt(group, 16));
		}
		return out;
	};
	if (halves.length === 1) {
		const groups = toGroups(halves[0] ?? "");
		if (!groups) return null;
		const all = [...groups, ...tail];
		return all.length === 8 ? all : null;
	}
	const head = toGroups(halves[0] ?? "");
	const rest = toGroups(halves[1] ?? "");
	if (!head || !rest) return null;
	const known = head.length + rest.length + tail.length;
	if (known > 7) return null;
	return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

function parseAddress(text: string): Address | null {
	const v4 = parseIpv4(text);
	if (v4 !== null) return { v: 4, value: v4 };
	const groups = parseIpv6(text);
	return groups ? { v: 6, groups } : null;
}

/** "a.b.c.d/n", "v6::/n" or a bare address (a host route); null when malformed. */
export function parseAnyCidr(text: string): Cidr | null {
	const [address = "", prefix, extra] = text.trim().split("/");
	if (extra !== undefined) return null;
	const parsed = parseAddress(address);
	if (!parsed) return null;
	const max = parsed.v === 4 ? 32 : 128;
	if (prefix === undefined) return { address: parsed, bits: max };
	if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
	return { address: parsed, bits: Number(prefix) };
}

function v6InPrefix(groups: readonly number[], network: readonly number[], bits: number): boolean {
	for (let i = 0; i < 8; i++) {
		const take = Math.max(0, Math.min(16, bits - i * 16));
		if (take === 0) return true;
		const mask = (0xffff << (16 - take)) & 0xffff;
		if (((groups[i] ?? 0) & mask) !== ((network[i] ?? 0) & mask)) return false;
	}
	return true;
}

function inCidr(address: Address, cidr: Cidr): boolean {
	if (address.v === 4 && cidr.address.v === 4) {
		return networkOf(address.value, cidr.bits) === networkOf(cidr.address.value, cidr.bits);
	}
	if (address.v === 6 && cidr.address.v === 6) return v6InPrefix(address.groups, cidr.address.groups, cidr.bits);
	return false;
}

const BLOCKED_V4_CIDRS = BLOCKED_V4.map(([net, bits, what]) => ({
	cidr: { address: { v: 4 as const, value: parseIpv4(net) ?? 0 }, bits },
	what,
}));

/** IPv6 prefixes refused outright; IPv4-embedding ones are checked through the IPv4 rules instead. */
const BLOCKED_V6: readonly (readonly [string, number, string])[] = [
	["::", 128, "unspecified"],
	["::1", 128, "loopback"],
	["fc00::", 7, "unique local"],
	["fe80::", 10, "link-local"],
	["fec0::", 10, "site-local"],
	["ff00::", 8, "multicast"],
];
const BLOCKED_V6_CIDRS = BLOCKED_V6.map(([net, bits, what]) => ({
	cidr: { address: { v: 6 as const, groups: parseIpv6(net) ?? [] }, bits },
	what,
}));

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(groups: readonly number[]): number | null {
	const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
	const low = (g6 * 0x10000 + g7) >>> 0;
	const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
	if (zeroTo(5) && g5 === 0xffff) return low; // ::ffff:a.b.c.d
	if (zeroTo(4) && g4 === 0xffff && g5 === 0) return low; // ::ffff:0:a.b.c.d (SIIT)
	if (zeroTo(6) && low > 1) return low; // ::a.b.c.d (deprecated compatible form)
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return low; // NAT64
	if (g0 === 0x2002) return (g1 * 0x10000 + g2) >>> 0; // 6to4
	return null;
}

/**
 * Whether a literal address (IPv4, or IPv6 with or without brackets; an IPv4 an IPv6 address
 * carries counts as that IPv4) lies in the CIDR. Names and malformed CIDRs never match.
 */
export function addressInCidr(addressText: string, cidrText: string): boolean {
	const address = parseAddress(addressText);
	const cidr = parseAnyCidr(cidrText);
	if (!address || !cidr) return false;
	if (inCidr(address, cidr)) return true;
	const v4 = address.v === 6 ? embeddedIpv4(address.groups) : null;
	return v4 !== null && inCidr({ v: 4, value: v4 }, cidr);
}

/** Why an address is internal ("loopback", …), or null when it is a public address. */
export function internalAddressKind(text: string): string | null {
	const address = parseAddress(text);
	if (!address) return null;
	if (address.v === 4) return BLOCKED_V4_CIDRS.find((b) => inCidr(address, b.cidr))?.what ?? null;
	const blocked = BLOCKED_V6_CIDRS.find((b) => inCidr(address, b.cidr));
	if (blocked) return blocked.what;
	const v4 = embeddedIpv4(address.groups);
	if (v4 === null) return null;
	const kind = BLOCKED_V4_CIDRS.find((b) => inCidr({ v: 4, value: v4 }, b.cidr))?.what;
	return kind ? `${kind} (embedded IPv4)` : null;
}

/** The operator's allow-list (updateConfiguration refuses malformed entries). */
function allowedCidrs(settings: Settings): Cidr[] {
	return settings
		.get("webhook.payload.url.allowed.cidrs")
		.split(",")
		.map((entry) => parseAnyCidr(entry))
		.filter((cidr): cidr is Cidr => cidr !== null);
}

function isAllowed(addressText: string, allowed: readonly Cidr[]): boolean {
	const address = parseAddress(addressText);
	if (!address) return false;
	if (allowed.some((cidr) => inCidr(address, cidr))) return true;
	// An IPv4-mapped IPv6 literal is allowed by the IPv4 CIDR that holds its address.
	if (address.v === 6) {
		const v4 = embeddedIpv4(address.groups);
		if (v4 !== null) return allowed.some((cidr) => inCidr({ v: 4, value: v4 }, cidr));
	}
	return false;
}

function refuse(text: string): CsError {
	return new CsError(ERROR.paramError, text);
}

/** The host exactly as written (between `//` and the first `/ \ ? #`), before the URL parser normalises it. */
function rawAuthority(url: string): string {
	const afterScheme = url.slice(url.indexOf(":") + 1).replace(/^[/\\]*/, "");
	return afterScheme.split(/[/\\?#]/, 1)[0] ?? "";
}

/** CloudStack's rule: a payload URL without a scheme gets `http://` in front. */
export function withScheme(raw: string): string {
	const text = raw.trim();
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
}

/**
 * The normalised payload URL (scheme added, WHATWG-serialised), or a 431 CsError explaining why
 * it is refused. Never echoes a URL that carries credentials.
 */
export function checkPayloadUrl(raw: string, settings: Settings): string {
	if (raw.trim() === "") throw refuse("Invalid URL: the payload URL is empty");
	const text = withScheme(raw);
	const authority = rawAuthority(text);
	if (authority.includes("@")) {
		throw refuse("The payload URL must not contain a user name or password; use secretkey to sign deliveries");
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw refuse(`Invalid URL: ${text}`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`Unsupported scheme for url: ${text}`);
	if (url.username !== "" || url.password !== "") {
		throw refuse("The payload URL must not contain a user name or password; use secretkey to sign deliveries");
	}
	const host = url.hostname.replace(/\.+$/, "");
	if (host === "") throw refuse(`Invalid URL: ${text}`);
	const allowed = allowedCidrs(settings);
	const hint = "; an administrator can allow it with webhook.payload.url.allowed.cidrs";
	if (host.startsWith("[")) {
		const literal = host.slice(1, -1);
		const kind = internalAddressKind(literal);
		if (kind && !isAllowed(literal, allowed)) throw refuse(`Illegal host specified in url: ${host} is ${kind}${hint}`);
		return url.href;
	}
	if (parseIpv4(host) !== null) {
		// The URL parser turns 2130706433, 0x7f.1 or 0177.0.0.1 into 127.0.0.1; such spellings are refused outright.
		const written = authority.replace(/:\d*$/, "").replace(/\.+$/, "").toLowerCase();
		if (written !== host) {
			throw refuse(`Illegal host specified in url: IPv4 addresses must be written as four decimal octets (${host})`);
		}
		const kind = internalAddressKind(host);
		if (kind && !isAllowed(host, allowed)) throw refuse(`Illegal host specified in url: ${host} is ${kind}${hint}`);
		return url.href;
	}
	if (/^[0-9.]+$/.test(host) || /^0x/i.test(host)) throw refuse(`Invalid URL: ${text}`);
	const name = INTERNAL_NAMES.find(([pattern]) => pattern.test(host));
	if (name && !isAllowed(name[1], allowed)) {
		throw refuse(`Illegal host specified in url: ${host} is an internal name${hint}`);
	}
	return url.href;
}
