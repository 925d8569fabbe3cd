/**
 * @module CloudStack request signing (cloudstack-api.md §1.1), with node:crypto: names sorted as
 * sent, values encoded like Java's `URLEncoder` (`*` raw, `~` as `%7E`, space as `%20`), the whole
 * string lower-cased, HMAC-SHA1 with the secret key, Base64. The strict form, so it verifies
 * against CloudStack itself as well as flarestack. Tested against the server's own vectors
 * (test/helpers/signature-vectors.ts).
 */
import { createHmac } from "node:crypto";

/** One request parameter, in the order given. */
export type Param = readonly [name: string, value: string];

/** Java's `URLEncoder.encode(v, "UTF-8").replace("+", "%20")`. */
export function javaEncode(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()~]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
	);
}

const byCodeUnits = (a: Param, b: Param) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The string CloudStack signs, before lower-casing: every parameter but `signature`. */
export function canonicalString(params: readonly Param[]): string {
	return params
		.filter(([name]) => name.toLowerCase() !== "signature")
		.sort(byCodeUnits)
		.map(([name, value]) => `${name}=${javaEncode(value)}`)
		.join("&");
}

/** The value of the `signature` parameter for these parameters. */
export function signature(secretKey: string, params: readonly Param[]): string {
	return createHmac("sha1", secretKey).update(canonicalString(params).toLowerCase()).digest("base64");
}

/** `expires` as CloudStack clients send it: `yyyy-MM-ddTHH:mm:ss+0000` (UTC). */
export function formatExpires(date: Date): string {
	return `${date.toISOString().slice(0, 19)}+0000`;
}

export interface SigningKeys {
	apiKey: string;
	secretKey: string;
}

/**
 * Adds `apiKey`, `signatureVersion=3`, `expires` and `signature` to `params` (replacing any given,
 * whatever their case). `expiresAt` undefined leaves out signatureVersion and expires (a legacy
 * signature with no timestamp).
 */
export function signParams(params: readonly Param[], keys: SigningKeys, expiresAt?: Date): Param[] {
	const replaced = new Set(["apikey", "signature", ...(expiresAt ? ["signatureversion", "expires"] : [])]);
	const out: Param[] = params.filter(([name]) => !replaced.has(name.toLowerCase()));
	out.push(["apiKey", keys.apiKey]);
	if (expiresAt) out.push(["signatureVersion", "3"], ["expires", formatExpires(expiresAt)]);
	out.push(["signature", signature(keys.secretKey, out)]);
	return out;
}

/** A query string (no `?`) whose values the server decodes back to exactly `params`. */
export function encodeQuery(params: readonly Param[]): string {
	return params.map(([name, value]) => `${encodeURIComponent(name)}=${javaEncode(value)}`).join("&");
}

/** A fully signed URL for `endpoint` (e.g. `http://host:8080/client/api`). */
export function signedUrl(endpoint: string, params: readonly Param[], keys: SigningKeys, expiresAt?: Date): string {
	const separator = endpoint.includes("?") ? "&" : "?";
	return `${endpoint}${separator}${encodeQuery(signParams(params, keys, expiresAt))}`;
}
