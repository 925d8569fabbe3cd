/**
 * @module SSH key material: parsing and checking OpenSSH public keys (registerSSHKeyPair), the
 * MD5 colon fingerprint CloudStack shows, and a fresh RSA 2048 pair from WebCrypto
 * (createSSHKeyPair). No hand-written cryptography: WebCrypto makes the key and the digest; this
 * file only reads and writes the SSH wire format (RFC 4253 §6.6) and a little DER.
 */
import { fromBase64, toBase64 } from "../../lib/ids";

/** The key types CloudStack's SSHKeysHelper accepts. */
export const PUBLIC_KEY_TYPES = [
	"ssh-rsa",
	"ssh-dss",
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
] as const;
type PublicKeyType = (typeof PUBLIC_KEY_TYPES)[number];

export interface PublicKey {
	type: PublicKeyType;
	/** The decoded key blob the fingerprint is taken over. */
	blob: Uint8Array<ArrayBuffer>;
	/** `<type> <base64>`: what is stored and written to the config drive (the comment is dropped, as CloudStack does). */
	openssh: string;
}

/** Reads SSH wire-format fields (uint32-length-prefixed strings) from a blob; throws on overrun. */
class WireReader {
	private offset = 0;
	constructor(private readonly bytes: Uint8Array) {}

	string(): Uint8Array {
		if (this.offset + 4 > this.bytes.length) throw new Error("truncated");
		const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4);
		const length = view.getUint32(0);
		this.offset += 4;
		if (this.offset + length > this.bytes.length) throw new Error("truncated");
		const value = this.bytes.subarray(this.offset, this.offset + length);
		this.offset += length;
		return value;
	}

	text(): string {
		return new TextDecoder().decode(this.string());
	}

	/** A positive mpint's bit length (0 for zero or a negative value). */
	mpintBits(): number {
		const value = this.string();
		if (value.length === 0 || (value[0] ?? 0) & 0x80) return 0;
		let start = 0;
		while (start < value.length && value[start] === 0) start++;
		if (start === value.length) return 0;
		return (value.length - start - 1) * 8 + (32 - Math.clz32(value[start] ?? 0));
	}

	get done(): boolean {
		return this.offset === this.bytes.length;
	}
}

const EC_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** Whether the blob is a well-formed key of `type` (its fields, sizes and nothing left over). */
function wellFormed(type: PublicKeyType, blob: Uint8Array): boolean {
	try {
		const reader = new WireReader(blob);
		if (reader.text() !== type) return false;
		if (type === "ssh-rsa") {
			const exponentBits = reader.mpintBits();
			// OpenSSH refuses RSA moduli under 1024 bits; a key it cannot use is no use to a guest.
			return exponentBits > 1 && reader.mpintBits() >= 1024 && reader.done;
		}
		if (type === "ssh-dss") {
			for (let i = 0; i < 4; i++) if (reader.mpintBits() === 0) return false;
			return reader.done;
		}
		if (type === "ssh-ed25519") return reader.string().length === 32 && reader.done;
		const curve = type.slice("ecdsa-sha2-".length);
		if (reader.text() !== curve) return false;
		const point = reader.string();
		return point.length === EC_POINT_BYTES[curve] && point[0] === 0x04 && reader.done;
	} catch {
		return false;
	}
}

/**
 * An OpenSSH public key line (`<type> <base64> [comment]`), or as CloudStack also accepts, that
 * whole line Base64-encoded; null when it is not a well-formed key of a supported type.
 */
export function parsePublicKey(material: string): PublicKey | null {
	let text = material.trim();
	if (!/\s/.test(text)) {
		try {
			text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64(text)).trim();
		} catch {
			return null;
		}
	}
	const [type, data] = text.split(/\s+/);
	if (!type || !data || !(PUBLIC_KEY_TYPES as readonly string[]).includes(type)) return null;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
	let blob: Uint8Array<ArrayBuffer>;
	try {
		blob = fromBase64(data);
	} catch {
		return null;
	}
	const keyType = type as PublicKeyType;
	if (!wellFormed(keyType, blob)) return null;
	return { type: keyType, blob, openssh: `${keyType} ${toBase64(blob)}` };
}

/** CloudStack's fingerprint: the MD5 of the key blob as lower-case hex pairs joined by colons. */
export async function fingerprint(blob: Uint8Array<ArrayBuffer>): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("MD5", blob));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

// ---- generating a pair -----------------------------------------------------------------------

function wireString(bytes: Uint8Array): Uint8Array {
	const out = new Uint8Array(4 + bytes.length);
	new DataView(out.buffer).setUint32(0, bytes.length);
	out.set(bytes, 4);
	return out;
}

/** An unsigned big-endian integer as an SSH mpint (a leading zero when the top bit is set). */
function wireMpint(unsigned: Uint8Array): Uint8Array {
	let start = 0;
	while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
	const trimmed = unsigned.subarray(start);
	if (((trimmed[0] ?? 0) & 0x80) === 0) return wireString(trimmed);
	const padded = new Uint8Array(trimmed.length + 1);
	padded.set(trimmed, 1);
	return wireString(padded);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

function fromBase64Url(text: string): Uint8Array {
	const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
	return fromBase64(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
}

/** One DER element at `offset`: where its content starts and ends. */
function derElement(der: Uint8Array, offset: number, expectedTag: number): { start: number; end: number } {
	if (der[offset] !== expectedTag) throw new Error(`DER: expected tag ${expectedTag} at ${offset}`);
	let length = der[offset + 1] ?? 0;
	let start = offset + 2;
	if (length & 0x80) {
		const octets = length & 0x7f;
		length = 0;
		for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? 0);
		start += octets;
	}
	return { start, end: start + length };
}

/**
 * The PKCS#1 RSAPrivateKey inside WebCrypto's PKCS#8 export (PrivateKeyInfo: version,
 * algorithm, OCTET STRING privateKey), so the answer is the `BEGIN RSA PRIVATE KEY` PEM that
 * CloudStack hands out and every SSH client reads.
 */
export function pkcs1FromPkcs8(pkcs8: Uint8Array): Uint8Array {
	const outer = derElement(pkcs8, 0, 0x30);
	const version = derElement(pkcs8, outer.start, 0x02);
	const algorithm = derElement(pkcs8, version.end, 0x30);
	const key = derElement(pkcs8, algorithm.end, 0x04);
	return pkcs8.subarray(key.start, key.end);
}

function pem(label: string, der: Uint8Array): string {
	const lines = toBase64(der).match(/.{1,64}/g) ?? [];
	return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export interface GeneratedKeyPair {
	publicKey: PublicKey;
	/** PEM; shown to the caller once and never stored. */
	privateKey: string;
}

/** A new RSA 2048 key pair (e = 65537). */
export async function generateRsaKeyPair(): Promise<GeneratedKeyPair> {
	const pair = (await crypto.subtle.generateKey(
		{ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
		true,
		["sign", "verify"],
	)) as CryptoKeyPair;
	const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
	if (!jwk.n || !jwk.e) throw new Error("WebCrypto exported an RSA key without n or e");
	const blob = concat([
		wireString(new TextEncoder().encode("ssh-rsa")),
		wireMpint(fromBase64Url(jwk.e)),
		wireMpint(fromBase64Url(jwk.n)),
	]);
	const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
	return {
		publicKey: { type: "ssh-rsa", blob, openssh: `ssh-rsa ${toBase64(blob)}` },
		privateKey: pem("RSA PRIVATE KEY", pkcs1FromPkcs8(pkcs8)),
	};
}
