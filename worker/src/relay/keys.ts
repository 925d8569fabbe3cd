/**
 * @module Relay key material: enrolment-token hashing, the Ed25519 public JWK a relay registers
 * (validated and normalised to {kty, crv, x}) and its short fingerprint.
 */

const encoder = new TextEncoder();

/** Lower-case hex SHA-256 of `text`. */
export async function sha256Hex(text: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
	const x = encoder.encode(a);
	const y = encoder.encode(b);
	let diff = x.length ^ y.length;
	for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
	return diff === 0;
}

export interface Ed25519PublicJwk {
	kty: "OKP";
	crv: "Ed25519";
	x: string;
}

/** 32 bytes as unpadded base64url. */
const X_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The public key as a normalised JWK, or null when `value` is not an Ed25519 public JWK (a JWK
 * that carries the private part `d` is refused: the private key never leaves the agent).
 */
export async function parseEd25519PublicJwk(value: unknown): Promise<Ed25519PublicJwk | null> {
	if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
	const jwk = value as Record<string, unknown>;
	if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || !X_FORMAT.test(jwk.x)) return null;
	if ("d" in jwk) return null;
	const normalised: Ed25519PublicJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x };
	try {
		await crypto.subtle.importKey("jwk", normalised, { name: "Ed25519" }, true, ["verify"]);
	} catch {
		return null;
	}
	return normalised;
}

/** The first 16 hex digits of the SHA-256 of the stored JWK text: enough to tell keys apart. */
export async function keyFingerprint(publicKeyJwk: string): Promise<string> {
	return (await sha256Hex(publicKeyJwk)).slice(0, 16);
}
