/**
 * extractTemplate / extractIso links (workerd, fake agent): the link is a signed, expiring URL on
 * the Worker; fetching it makes the agent upload the file (template.upload → POST
 * /relay/v1/stream/<id> with its relay JWT) and the bytes come back in the download. Tampered
 * links, uploads with a bad credential, an agent that cannot read the file and a zone without an
 * agent all get clear refusals; extraction follows isextractable and the mode rules.
 */
import { exports } from "cloudflare:workers";
import type { CommandArgs } from "@flarestack/protocol";
import { describe, expect, it } from "vitest";
import { defaultAnswer, type FakeAgent, relayJwt, startFakeAgent } from "../../helpers/fake-agent";
import { call, expectParamError, runJob } from "../../helpers/identity-fixtures";
import { eventTypesOf, insertImageStore, insertReadyCopy, insertTemplate, newZone, theWorld } from "./site";

const BYTES = 2048; // insertReadyCopy's physicalBytes
const payload = new Uint8Array(BYTES).map((_, i) => (i * 7) % 251);

/** An agent whose template.upload really POSTs `body` to the stream endpoint. */
function uploadingAgent(zone: { id: string }, body: Uint8Array, jwt?: () => Promise<string>) {
	return startFakeAgent(zone, {
		onCommand: async (frame, self: FakeAgent) => {
			if (frame.name !== "template.upload") return defaultAnswer(frame, self);
			const { streamId } = frame.args as CommandArgs<"template.upload">;
			const response = await exports.default.fetch(`http://127.0.0.1/relay/v1/stream/${streamId}`, {
				method: "POST",
				headers: { Authorization: `Bearer ${jwt ? await jwt() : await relayJwt(self.identity)}` },
				body,
			});
			const text = await response.text();
			if (!response.ok) return { ok: false, error: { code: "failed", text: `upload refused: ${text}` } };
			return { ok: true, result: { bytes: body.length } };
		},
	});
}

async function readySite(overrides: Parameters<typeof insertTemplate>[0] = {}) {
	const world = await theWorld();
	const zone = await newZone();
	const store = await insertImageStore(zone.id);
	const template = await insertTemplate({ isExtractable: true, accountId: world.alice.accountId, ...overrides });
	const path = await insertReadyCopy(template.id, zone.id, store.id);
	return { world, zone, template, path };
}

async function extractUrl(actor: Awaited<ReturnType<typeof theWorld>>["alice"], id: string, zoneId: string) {
	const result = await runJob(actor, { command: "extractTemplate", id, mode: "HTTP_DOWNLOAD", zoneid: zoneId });
	return result.template as { url: string; state: string; extractMode: string; zoneid: string };
}

describe("extractTemplate", () => {
	it("answers a signed link whose download streams the file from the agent", async () => {
		const { world, zone, template, path } = await readySite();
		const agent = await uploadingAgent(zone, payload);
		const extracted = await extractUrl(world.alice, template.id, zone.id);
		expect(extracted).toMatchObject({ state: "DOWNLOAD_URL_CREATED", extractMode: "HTTP_DOWNLOAD", zoneid: zone.id });
		expect(extracted.url).toMatch(/^http:\/\/[^/]+\/client\/extract\/[^/]+\/[^/]+\.qcow2$/);

		const response = await exports.default.fetch(extracted.url);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-length")).toBe(String(BYTES));
		expect(new Uint8Array(await response.arrayBuffer())).toEqual(payload);
		const upload = await agent.waitForCommand("template.upload");
		expect(upload.args).toMatchObject({ path, store: { kind: "nfs" } });
		expect(await eventTypesOf(template.id)).toContain("TEMPLATE.EXTRACT");
		agent.close();
	});

	it("refuses a tampered link, and an upload without a valid relay credential", async () => {
		const { world, zone, template } = await readySite();
		const agent = await uploadingAgent(zone, payload, async () => "not-a-jwt");
		const { url } = await extractUrl(world.alice, template.id, zone.id);
		const tampered = url.replace(/\/client\/extract\/([^/]+)\//, (_, token: string) => `/client/extract/${token}x/`);
		const refused = await exports.default.fetch(tampered);
		expect(refused.status).toBe(403);
		expect(await refused.text()).toMatch(/invalid or has expired/);

		// The agent's upload is refused (401), so the download never gets bytes: the agent's failure text.
		const download = await exports.default.fetch(url);
		expect(download.status).toBe(502);
		expect(await download.text()).toMatch(/upload refused/);
		agent.close();
	});

	it("gives 503 when the zone has no agent, and the agent's reason when it cannot read the file", async () => {
		const { world, zone, template } = await readySite();
		const { url } = await extractUrl(world.alice, template.id, zone.id);
		const none = await exports.default.fetch(url);
		expect(none.status).toBe(503);
		expect(await none.text()).toMatch(/not connected/);

		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) =>
				frame.name === "template.upload"
					? { ok: false, error: { code: "invalid", text: "nfs://10.0.0.5/x/y.qcow2 is not there" } }
					: defaultAnswer(frame, self),
		});
		const failed = await exports.default.fetch(url);
		expect(failed.status).toBe(502);
		expect(await failed.text()).toMatch(/is not there/);
		agent.close();
	});

	it("follows isextractable, the mode rules and readiness", async () => {
		const { world, zone, template } = await readySite({ isExtractable: false });
		// A 431 from an async command comes back at once (the dispatcher's rule), not in a job.
		expectParamError(
			await call(world.alice, { command: "extractTemplate", id: template.id, mode: "HTTP_DOWNLOAD" }),
			"extractTemplate",
			/not allowed to be extracted/,
		);
		// The root admin may extract it all the same.
		expect((await extractUrl(world.root, template.id, zone.id)).url).toContain("/client/extract/");
		expectParamError(
			await call(world.root, { command: "extractTemplate", id: template.id, mode: "FTP_UPLOAD" }),
			"extractTemplate",
			/FTP_UPLOAD is not supported/,
		);
		const fresh = await insertTemplate({ isExtractable: true, accountId: world.alice.accountId });
		expectParamError(
			await call(world.alice, { command: "extractTemplate", id: fresh.id, mode: "HTTP_DOWNLOAD" }),
			"extractTemplate",
			/not ready in any zone/,
		);
	});
});
