/** @module Password hashing (PBKDF2) and secret encryption at rest (AES-GCM under a key-encryption key). */
import { fromBase64, randomBytes, toBase64 } from "./ids";

// workerd caps PBKDF2 at 100,000 iterations.
const PBKDF2_ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
	const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, 256);
	return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, Base64 parts. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
	return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, iterations, salt, hash] = stored.split("$");
	if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
	const actual = await pbkdf2(password, fromBase64(salt), Number(iterations));
	const expected = fromBase64(hash);
	let diff = actual.length ^ expected.length;
	for (let i = 0; i < actual.length; i++) diff |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
	return diff === 0;
}

/** Encrypts and decrypts secrets with a 256-bit key taken from a Worker secret. */
export interface SecretBox {
	seal(plain: string): Promise<string>;
	open(sealed: string): Promise<string>;
}

/** Builds a SecretBox from a Base64 key of 32 bytes; throws at construction on a bad key. */
export function createSecretBox(keyBase64: string): SecretBox {
	const raw = fromBase64(keyBase64);
	if (raw.length !== 32) throw new Error("SECRET_KEK must be 32 bytes of Base64");
	const key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
	return {
		async seal(plain) {
			const iv = randomBytes(12);
			const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await key, encoder.encode(plain));
			return `v1:${toBase64(iv)}:${toBase64(new Uint8Array(data))}`;
		},
		async open(sealed) {
			const [version, iv, data] = sealed.split(":");
			if (version !== "v1" || !iv || !data) throw new Error("unknown sealed secret format");
			const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv) }, await key, fromBase64(data));
			return new TextDecoder().decode(plain);
		},
	};
}

let cachedBox: { keyBase64: string; box: SecretBox } | null = null;

/** The SecretBox for `keyBase64`, built once per isolate (the key import is not free). */
export function secretBoxFor(keyBase64: string): SecretBox {
	if (cachedBox?.keyBase64 !== keyBase64) cachedBox = { keyBase64, box: createSecretBox(keyBase64) };
	return cachedBox.box;
}
