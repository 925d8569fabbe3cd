/**
 * @module Webhook signatures. CloudStack's `X-CS-Signature` is base64(HMAC-SHA256(secret, body));
 * the Standard Webhooks `webhook-signature` is `v1,` + base64(HMAC-SHA256(secret, id.timestamp.body)),
 * so a receiver can reject replays by the signed timestamp. Both use the UTF-8 secret as the key.
 */
import { toBase64 } from "../lib/ids";

const encoder = new TextEncoder();

export async function hmacSha256Base64(secret: string, data: string): Promise<string> {
	const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data))));
}

/** CloudStack's X-CS-Signature value. */
export function csSignature(secret: string, body: string): Promise<string> {
	return hmacSha256Base64(secret, body);
}

/** The Standard Webhooks webhook-signature value (one `v1` signature). */
export async function standardSignature(secret: string, id: string, timestampSeconds: number, body: string) {
	return `v1,${await hmacSha256Base64(secret, `${id}.${timestampSeconds}.${body}`)}`;
}
