/** @module The only place that makes random identifiers and secrets. */

/** A v4 UUID, CloudStack's identifier format. */
export function newUuid(): string {
	return crypto.randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
	return UUID.test(value.trim());
}

/** `bytes` random bytes as URL-safe Base64 without padding (CloudStack's key and session-key form). */
export function randomToken(bytes: number): string {
	return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Random bytes, for salts and IVs. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(length));
}

export function base64Url(data: Uint8Array): string {
	return toBase64(data).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function toBase64(data: Uint8Array): string {
	let binary = "";
	for (const byte of data) binary += String.fromCharCode(byte);
	return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text);
	const out = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
	return out;
}
