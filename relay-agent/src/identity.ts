/**
 * @module The relay's identity: an Ed25519 key pair made at enrolment. The private key stays in
 * `keyFile` (a JWK, mode 0600); the Worker only ever sees the public half and, on every connect, a
 * fresh short-lived JWT signed with it (see worker/src/relay/jwt.ts for the checks it must pass).
 */
import { randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

/** How long a connect JWT lives; the Worker accepts at most 5 minutes. */
export const JWT_LIFETIME_S = 120;

export interface KeyPair {
	/** The private JWK (kty OKP, crv Ed25519, x, d): written to the key file only. */
	privateJwk: JWK;
	/** The public JWK (no `d`): what enrolment registers. */
	publicJwk: JWK;
}

/** Makes a new Ed25519 key pair. */
export async function generateIdentity(): Promise<KeyPair> {
	const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	const privateJwk = await exportJWK(privateKey);
	const { kty, crv, x } = await exportJWK(publicKey);
	return { privateJwk: { ...privateJwk, alg: "EdDSA" }, publicJwk: { kty, crv, x } };
}

/** Writes the private JWK to `file` with mode 0600 (atomically, never readable by others on the way). */
export async function saveKey(file: string, privateJwk: JWK): Promise<void> {
	await mkdir(path.dirname(path.resolve(file)), { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	await writeFile(temporary, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
	await chmod(temporary, 0o600);
	await rename(temporary, file);
}

export interface SigningKey {
	key: CryptoKey;
	/** Whether the file is readable by group or others (the agent warns: it should be 0600). */
	looseMode: boolean;
}

/** Reads the private key from `file`. */
export async function loadKey(file: string): Promise<SigningKey> {
	let jwk: JWK;
	try {
		jwk = JSON.parse(await readFile(file, "utf8")) as JWK;
	} catch (error) {
		throw new Error(`cannot read the relay key ${file}: ${(error as Error).message.split(":")[0]}`);
	}
	if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string") {
		throw new Error(`${file} is not an Ed25519 private JWK`);
	}
	const key = (await importJWK(jwk, "EdDSA")) as CryptoKey;
	const { mode } = await stat(file);
	return { key, looseMode: (mode & 0o077) !== 0 };
}

/**
 * The JWT for one connect to zone `zoneId`: EdDSA, `kid` = `iss` = `sub` = relay id, `aud` =
 * `zone:<zoneId>`, `iat` now, `exp` two minutes on, and a `jti` never used before (the Worker refuses
 * a replayed one), so every connect needs a new one.
 */
export async function signConnectJwt(
	key: CryptoKey,
	relayId: string,
	zoneId: string,
	now: number = Date.now(),
): Promise<string> {
	const iat = Math.floor(now / 1000);
	return new SignJWT({})
		.setProtectedHeader({ alg: "EdDSA", kid: relayId, typ: "JWT" })
		.setIssuer(relayId)
		.setSubject(relayId)
		.setAudience(`zone:${zoneId}`)
		.setIssuedAt(iat)
		.setExpirationTime(iat + JWT_LIFETIME_S)
		.setJti(randomUUID())
		.sign(key);
}
