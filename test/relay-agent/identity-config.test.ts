import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, writeConfig } from "../../relay-agent/src/config.ts";
import { EnrollError, enroll, localEnroll } from "../../relay-agent/src/enroll.ts";
import { generateIdentity, JWT_LIFETIME_S, loadKey, saveKey, signConnectJwt } from "../../relay-agent/src/identity.ts";
import { createLogger, silentLogger } from "../../relay-agent/src/log.ts";

const RELAY = "11111111-2222-4333-8444-555555555555";
const ZONE = "66666666-7777-4888-9999-aaaaaaaaaaaa";

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-identity-"));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("identity", () => {
	it("signs a connect JWT the Worker's checks accept (EdDSA, kid, iss=sub, aud, exp ≤ 5 min, jti)", async () => {
		const { privateJwk, publicJwk } = await generateIdentity();
		expect(publicJwk).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.any(String) });
		expect(privateJwk.d).toEqual(expect.any(String));
		const keyFile = path.join(dir, "key.json");
		await saveKey(keyFile, privateJwk);
		expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
		const { key, looseMode } = await loadKey(keyFile);
		expect(looseMode).toBe(false);

		const now = Date.now();
		const jwt = await signConnectJwt(key, RELAY, ZONE, now);
		expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "EdDSA", kid: RELAY });
		// The same options worker/src/relay/jwt.ts verifies with.
		const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, "EdDSA"), {
			algorithms: ["EdDSA", "Ed25519"],
			audience: `zone:${ZONE}`,
			issuer: RELAY,
			subject: RELAY,
			currentDate: new Date(now),
			requiredClaims: ["exp", "iat", "jti"],
		});
		expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(JWT_LIFETIME_S);
		expect(JWT_LIFETIME_S).toBeLessThanOrEqual(300);
		const second = await signConnectJwt(key, RELAY, ZONE, now);
		const { payload: again } = await jwtVerify(second, await importJWK(publicJwk, "EdDSA"), {
			currentDate: new Date(now),
		});
		expect(again.jti).not.toBe(payload.jti);
	});

	it("notices a key file others can read, and refuses a file that is not a private key", async () => {
		const { privateJwk, publicJwk } = await generateIdentity();
		const keyFile = path.join(dir, "key.json");
		await writeFile(keyFile, JSON.stringify(privateJwk), { mode: 0o644 });
		expect((await loadKey(keyFile)).looseMode).toBe(true);
		await writeFile(keyFile, JSON.stringify(publicJwk));
		await expect(loadKey(keyFile)).rejects.toThrow(/not an Ed25519 private JWK/);
	});
});

describe("config", () => {
	it("fills defaults and resolves key and state files next to the config", async () => {
		const file = path.join(dir, "site", "flarestack-relay.json");
		await writeConfig(file, { url: "https://cloud.example.com/", zoneId: ZONE, relayId: RELAY });
		const config = await loadConfig(file);
		expect(config).toEqual({
			file,
			url: "https://cloud.example.com",
			zoneId: ZONE,
			relayId: RELAY,
			keyFile: path.join(dir, "site", "flarestack-relay.key.json"),
			stateFile: path.join(dir, "site", "flarestack-relay.state.json"),
			driver: "libvirt",
			logLevel: "info",
		});
	});

	it("says what is wrong with a bad config", async () => {
		const file = path.join(dir, "bad.json");
		await expect(loadConfig(file)).rejects.toThrow(/enroll/);
		await writeFile(file, "{not json");
		await expect(loadConfig(file)).rejects.toThrow(ConfigError);
		await writeFile(file, JSON.stringify({ url: "ftp://x", zoneId: "nope", relayId: RELAY, driver: "xen" }));
		await expect(loadConfig(file)).rejects.toThrow(/url.*zoneId.*driver|url|zoneId/);
	});
});

describe("enrolment", () => {
	let server: Server;
	let url: string;
	const seen: { path: string; body: Record<string, unknown> }[] = [];
	let localAnswers: number[] = [];

	beforeEach(async () => {
		seen.length = 0;
		server = createServer((request, response) => {
			let body = "";
			request.on("data", (chunk) => {
				body += chunk;
			});
			request.on("end", () => {
				const parsed = JSON.parse(body) as Record<string, unknown>;
				seen.push({ path: request.url ?? "", body: parsed });
				response.setHeader("content-type", "application/json");
				if (request.url === "/relay/v1/local-enroll") {
					const status = localAnswers.shift() ?? 201;
					response.statusCode = status;
					return response.end(
						JSON.stringify(status === 201 ? { relayId: RELAY, zoneId: ZONE } : { error: "no zone yet" }),
					);
				}
				if (parsed.token !== "good-token") {
					response.statusCode = 401;
					return response.end(JSON.stringify({ error: "The enrolment token is invalid, expired or already used" }));
				}
				response.statusCode = 201;
				response.end(JSON.stringify({ relayId: RELAY, zoneId: ZONE, audience: `zone:${ZONE}` }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterEach(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	it("posts the token, name and public key; writes key (0600) and config", async () => {
		const configFile = path.join(dir, "flarestack-relay.json");
		const enrolled = await enroll({ url, token: "good-token", name: "site-a", configFile });
		expect(enrolled).toMatchObject({ relayId: RELAY, zoneId: ZONE });
		expect(seen[0]).toEqual({
			path: "/relay/v1/enroll",
			body: { token: "good-token", name: "site-a", publicKey: { kty: "OKP", crv: "Ed25519", x: expect.any(String) } },
		});
		const config = await loadConfig(configFile);
		expect(config).toMatchObject({ url, relayId: RELAY, zoneId: ZONE, name: "site-a" });
		expect((await stat(config.keyFile)).mode & 0o777).toBe(0o600);
		const { key } = await loadKey(config.keyFile);
		const jwt = await signConnectJwt(key, RELAY, ZONE);
		const publicKey = await importJWK(seen[0]?.body.publicKey as never, "EdDSA");
		await expect(jwtVerify(jwt, publicKey, { audience: `zone:${ZONE}` })).resolves.toBeTruthy();
	});

	it("reports a refused token with the Worker's words and writes no config", async () => {
		const configFile = path.join(dir, "flarestack-relay.json");
		const error = await enroll({ url, token: "used", configFile }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(EnrollError);
		expect((error as EnrollError).status).toBe(401);
		expect((error as Error).message).toMatch(/invalid, expired or already used/);
		await expect(readFile(configFile)).rejects.toThrow();
	});

	it("local enrolment waits through 409s (no zone yet) and sends the secret", async () => {
		localAnswers = [409, 409];
		const configFile = path.join(dir, "local.json");
		const lines: string[] = [];
		const enrolled = await localEnroll({
			url,
			secret: "dev-secret",
			configFile,
			log: createLogger({ write: (line) => lines.push(line) }),
			retryMs: 20,
		});
		expect(enrolled.relayId).toBe(RELAY);
		expect(seen.map((s) => s.path)).toEqual(Array(3).fill("/relay/v1/local-enroll"));
		expect(seen[0]?.body).toMatchObject({ secret: "dev-secret" });
		expect(lines.join("")).not.toContain("dev-secret");
		localAnswers = [409];
		await expect(
			localEnroll({ url, secret: "s", configFile, log: silentLogger, retryMs: 50, waitMs: 10 }),
		).rejects.toMatchObject({ status: 409 });
	});
});

describe("log", () => {
	it("writes JSON lines and never prints credentials", () => {
		const lines: string[] = [];
		const log = createLogger({ level: "info", write: (line) => lines.push(line) });
		log.debug("hidden");
		log.info("hello", { token: "secret-token", jwt: "eyJ...", nested: { privateKey: "k", ok: 1 }, hostId: "h" });
		expect(lines).toHaveLength(1);
		const record = JSON.parse(lines[0] ?? "{}");
		expect(record).toMatchObject({ level: "info", msg: "hello", token: "[redacted]", jwt: "[redacted]", hostId: "h" });
		expect(record.nested).toEqual({ privateKey: "[redacted]", ok: 1 });
		expect(lines[0]).not.toMatch(/secret-token|eyJ/);
	});
});
