/**
 * `template import`: against a fake control plane (checks the relay JWT with the public key) and a
 * directory store: register → write with the download's checks → report, failures reported too.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { importJWK, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentConfig } from "../../relay-agent/src/config.ts";
import { generateIdentity, saveKey } from "../../relay-agent/src/identity.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { guessFormat, importTemplate } from "../../relay-agent/src/templates/import.ts";
import { QemuImg } from "../../relay-agent/src/templates/qemu-img.ts";
import { DirStore, fakeQemuImg, isoBytes, qcow2Header } from "./template-fixtures.ts";

const RELAY_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const ZONE_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
const TEMPLATE_ID = "5d0c8a1e-3c7b-4c2a-9f5e-0a1b2c3d4e5f";

let dir: string;
let secondary: string;
let config: AgentConfig;
let server: http.Server;
let requests: Array<{ path: string; body: Record<string, unknown>; audience: unknown }>;

beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-import-"));
	secondary = path.join(dir, "secondary");
	const { privateJwk, publicJwk } = await generateIdentity();
	await saveKey(path.join(dir, "key.json"), privateJwk);
	const publicKey = await importJWK({ ...publicJwk, alg: "EdDSA" }, "EdDSA");
	requests = [];
	server = http.createServer(async (request, response) => {
		let text = "";
		for await (const chunk of request) text += chunk;
		const jwt = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
		const verified = await jwtVerify(jwt, publicKey, { issuer: RELAY_ID }).catch(() => null);
		if (!verified) return void response.writeHead(401).end(JSON.stringify({ error: "bad jwt" }));
		requests.push({ path: request.url ?? "", body: JSON.parse(text), audience: verified.payload.aud });
		response.setHeader("Content-Type", "application/json");
		if (request.url === "/relay/v1/template-import") {
			if (JSON.parse(text).name === "refused")
				return void response.writeHead(409).end(JSON.stringify({ error: "The zone has no secondary storage" }));
			return void response.writeHead(201).end(
				JSON.stringify({
					templateId: TEMPLATE_ID,
					store: { kind: "local", path: secondary },
					path: `template/tmpl/a/${TEMPLATE_ID}/${TEMPLATE_ID}.qcow2`,
				}),
			);
		}
		response.writeHead(200).end(JSON.stringify({ state: "Ready" }));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	config = {
		file: path.join(dir, "config.json"),
		url: `http://127.0.0.1:${port}`,
		zoneId: ZONE_ID,
		relayId: RELAY_ID,
		keyFile: path.join(dir, "key.json"),
		stateFile: path.join(dir, "state.json"),
		driver: "libvirt",
		logLevel: "info",
	};
});
afterEach(async () => {
	await new Promise((resolve) => server.close(resolve));
	await rm(dir, { recursive: true, force: true });
});

const options = (file: string, extra: Partial<Parameters<typeof importTemplate>[0]> = {}) => ({
	config,
	file,
	name: "Debian 12",
	openStore: async () => new DirStore(secondary),
	log: silentLogger,
	qemuImg: new QemuImg(fakeQemuImg()),
	...extra,
});

describe("template import", () => {
	it("registers, writes and reports the image", async () => {
		const image = Buffer.concat([qcow2Header(2 * 1024 ** 3), randomBytes(300_000)]);
		await writeFile(path.join(dir, "d.qcow2"), image);
		const result = await importTemplate(
			options(path.join(dir, "d.qcow2"), { osTypeId: "os-1", displayText: "Bookworm" }),
		);
		const sha256 = createHash("sha256").update(image).digest("hex");
		const target = `template/tmpl/a/${TEMPLATE_ID}/${TEMPLATE_ID}.qcow2`;
		expect(result).toEqual({
			templateId: TEMPLATE_ID,
			image: { path: target, format: "QCOW2", sizeBytes: 2 * 1024 ** 3, physicalBytes: image.length, sha256 },
		});
		expect(requests).toEqual([
			{
				path: "/relay/v1/template-import",
				body: { name: "Debian 12", format: "QCOW2", displayText: "Bookworm", osTypeId: "os-1" },
				audience: `zone:${ZONE_ID}`,
			},
			{
				path: `/relay/v1/template-import/${TEMPLATE_ID}`,
				body: { ok: true, image: result.image },
				audience: `zone:${ZONE_ID}`,
			},
		]);
		expect(await readdir(path.join(secondary, `template/tmpl/a/${TEMPLATE_ID}`))).toEqual([`${TEMPLATE_ID}.qcow2`]);
	});

	it("reports a refused image and leaves nothing", async () => {
		await writeFile(path.join(dir, "bad.qcow2"), qcow2Header(1024, { backing: "/etc/passwd" }));
		await expect(importTemplate(options(path.join(dir, "bad.qcow2")))).rejects.toThrow(
			"a qcow2 with a backing file is refused: it names /etc/passwd",
		);
		expect(requests[1]).toMatchObject({
			body: { ok: false, error: "a qcow2 with a backing file is refused: it names /etc/passwd" },
		});
		expect(await readdir(path.join(secondary, `template/tmpl/a/${TEMPLATE_ID}`))).toEqual([]);
	});

	it("says what the control plane refused", async () => {
		await writeFile(path.join(dir, "d.raw"), randomBytes(1000));
		await expect(importTemplate(options(path.join(dir, "d.raw"), { name: "refused" }))).rejects.toThrow(
			"the control plane refused: HTTP 409 The zone has no secondary storage",
		);
		expect(requests).toHaveLength(1);
	});

	it("guesses the format from the file", async () => {
		await writeFile(path.join(dir, "a"), qcow2Header(1024));
		await writeFile(path.join(dir, "b"), isoBytes());
		await writeFile(path.join(dir, "c"), randomBytes(100));
		expect(await guessFormat(path.join(dir, "a"))).toBe("QCOW2");
		expect(await guessFormat(path.join(dir, "b"))).toBe("ISO");
		expect(await guessFormat(path.join(dir, "c"))).toBe("RAW");
	});
});
