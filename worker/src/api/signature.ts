/**
 * @module CloudStack request signatures (HMAC-SHA1), pure apart from WebCrypto.
 *
 * The strict Java form is checked first; then the variants real clients produce
 * (reference/client-wire-rules.md rule 3), each with a constant-time compare.
 */
import type { RawParam } from "./params";

type Encoder = (value: string) => string;

/** Java's `URLEncoder.encode(v).replace("+", "%20")`: `*` stays, `~ ! ' ( )` are escaped. */
export const javaEncode: Encoder = (value) =>
	encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const ENCODERS: Encoder[] = [
	javaEncode,
	(v) => javaEncode(v).replaceAll("%7E", "~"),
	(v) => javaEncode(v).replaceAll("%5B", "[").replaceAll("%5D", "]"),
	(v) => javaEncode(v).replaceAll("*", "%2A"),
	// Go's url.QueryEscape: `*` escaped and `~` raw together.
	(v) => javaEncode(v).replaceAll("*", "%2A").replaceAll("%7E", "~"),
];

type Sorter = (params: RawParam[]) => RawParam[];

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const SORTERS: Sorter[] = [
	(params) => [...params].sort((a, b) => byCodeUnits(a.name, b.name)),
	(params) => [...params].sort((a, b) => byCodeUnits(a.name.toLowerCase(), b.name.toLowerCase())),
];

/** The string CloudStack signs, before lower-casing, for one sort order and encoder. */
export function canonicalQuery(
	params: RawParam[],
	sort: Sorter = SORTERS[0] as Sorter,
	encode: Encoder = javaEncode,
): string {
	const signed = params.filter((p) => p.name.toLowerCase() !== "signature");
	return sort(signed)
		.map((p) => `${p.name}=${encode(p.value)}`)
		.join("&");
}

/** Every distinct string a legitimate client might have signed, the strict Java form first. */
export function candidateQueries(params: RawParam[]): string[] {
	const out = new Set<string>();
	for (const sort of SORTERS) {
		for (const encode of ENCODERS) out.add(canonicalQuery(params, sort, encode).toLowerCase());
		// Clients that encode `k=v` pairs first and then sort the whole strings.
		const pairs = params
			.filter((p) => p.name.toLowerCase() !== "signature")
			.map((p) => `${p.name}=${javaEncode(p.value)}`);
		out.add(pairs.sort(byCodeUnits).join("&").toLowerCase());
	}
	return [...out];
}

/** Imports a secret for HMAC-SHA1; callers cache the result per key. */
export function importSigningKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, [
		"sign",
	]);
}

/** Base64 HMAC-SHA1 of `data`, the value of CloudStack's `signature` parameter. */
export async function sign(key: CryptoKey, data: string): Promise<string> {
	const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data));
	let binary = "";
	for (const byte of new Uint8Array(mac)) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
	const left = new TextEncoder().encode(a);
	const right = new TextEncoder().encode(b);
	let diff = left.length ^ right.length;
	for (let i = 0; i < Math.max(left.length, right.length); i++) {
		diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
	}
	return diff === 0;
}

/**
 * True when `signature` matches the strict form or any accepted client variant. Stopping at the
 * first match reveals only which client form was used, never anything about the secret.
 */
export async function verifySignature(key: CryptoKey, params: RawParam[], signature: string): Promise<boolean> {
	for (const query of candidateQueries(params)) {
		if (constantTimeEqual(await sign(key, query), signature)) return true;
	}
	return false;
}

/**
 * Parses `expires` as CloudStack does (ISO-8601 with an offset such as +0000, +00:00 or Z,
 * fractional seconds allowed); returns epoch milliseconds or null when unparseable.
 */
export function parseExpires(value: string): number | null {
	const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
	if (!match) return null;
	const [, base, fraction = "", zone = "Z"] = match;
	const offset = zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
	const ms = Date.parse(`${base}${fraction.slice(0, 4)}${offset}`);
	return Number.isNaN(ms) ? null : ms;
}
