/**
 * @module The registerTemplate/registerIso URL rules checked before anything is stored: http or
 * https, a host, at most 2048 characters, and no literal address inside
 * `template.download.denied.cidrs`. Names are resolved and checked again by the relay agent, on
 * the address it connects to (a DNS answer here would prove nothing about the site's view).
 */
import { CsError, ERROR } from "../../api/errors";
import { parseCidr, parseIpv4 } from "../../domain/ipv4";
import type { Settings } from "../../domain/settings";

const MAX_URL_LENGTH = 2048;

/** An IPv6 address as a 128-bit number, or null (`::ffff:1.2.3.4` and `::` forms included). */
export function parseIpv6(text: string): bigint | null {
	let body = text.trim().toLowerCase();
	if (body.startsWith("[") && body.endsWith("]")) body = body.slice(1, -1);
	if (!/^[0-9a-f:.]+$/.test(body) || (body.match(/::/g) ?? []).length > 1) return null;
	// An embedded IPv4 tail (::ffff:10.0.0.1) becomes its two 16-bit groups.
	const lastColon = body.lastIndexOf(":");
	const last = body.slice(lastColon + 1);
	if (last.includes(".")) {
		const v4 = parseIpv4(last);
		if (v4 === null) return null;
		body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
	}
	const [head = "", rest] = body.split("::");
	const parts = (s: string) => (s === "" ? [] : s.split(":"));
	const left = parts(head);
	const right = rest === undefined ? [] : parts(rest);
	const missing = 8 - left.length - right.length;
	if ((rest === undefined && missing !== 0) || (rest !== undefined && missing < 1)) return null;
	const groups = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
	let value = 0n;
	for (const group of groups) {
		if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
		value = (value << 16n) | BigInt(Number.parseInt(group, 16));
	}
	return value;
}

/** Whether the literal address `host` lies in `cidr` (IPv4 or IPv6); names never match. */
export function literalInCidr(host: string, cidr: string): boolean {
	const v4 = parseIpv4(host);
	if (v4 !== null) {
		const range = parseCidr(cidr);
		if (!range) return false;
		const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
		return (v4 & mask) >>> 0 === range.network;
	}
	const v6 = parseIpv6(host);
	const [address = "", prefix = ""] = cidr.trim().split("/");
	const network = parseIpv6(address);
	if (v6 === null || network === null || !/^\d{1,3}$/.test(prefix) || Number(prefix) > 128) return false;
	const shift = BigInt(128 - Number(prefix));
	return v6 >> shift === network >> shift;
}

/** The URL as given (trimmed), or a 431 saying which rule it breaks. */
export function checkImageUrl(raw: string, settings: Settings): string {
	const text = raw.trim();
	if (text.length > MAX_URL_LENGTH) {
		throw new CsError(ERROR.paramError, `The URL is longer than ${MAX_URL_LENGTH} characters`);
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new CsError(ERROR.paramError, `Invalid URL ${text}: expected http://host/path or https://host/path`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new CsError(
			ERROR.paramError,
			`Unsupported scheme for url ${text}: only http and https downloads are allowed`,
		);
	}
	if (!url.hostname) throw new CsError(ERROR.paramError, `The URL ${text} has no host`);
	const denied = settings
		.get("template.download.denied.cidrs")
		.split(",")
		.map((c) => c.trim())
		.filter((c) => c !== "");
	const hit = denied.find((cidr) => literalInCidr(url.hostname, cidr));
	if (hit) {
		throw new CsError(
			ERROR.paramError,
			`The URL ${text} points at ${url.hostname}, inside ${hit}, which template.download.denied.cidrs refuses`,
		);
	}
	return text;
}
