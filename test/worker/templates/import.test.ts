/**
 * `flarestack-relay template import` on the Worker side (workerd): the two /relay/v1/template-import
 * calls with the relay's own JWT — register (template owned by the root admin, public, a
 * Downloading row on the zone's image store), then Ready with sizes or Error with the text, with
 * TEMPLATE.CREATE and TEMPLATE.DOWNLOAD.* events — and their refusals.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { templates } from "../../../worker/src/db/schema";
import { enrollFakeAgent, type FakeIdentity, relayJwt } from "../../helpers/fake-agent";
import { db, eventTypesOf, insertImageStore, newZone, storeRow } from "./site";

const BASE = "http://127.0.0.1/relay/v1/template-import";

async function post(identity: FakeIdentity | null, path: string, body: unknown, jwt?: string) {
	const headers: Record<string, string> = { "content-type": "application/json" };
	const token = jwt ?? (identity ? await relayJwt(identity) : null);
	if (token) headers.Authorization = `Bearer ${token}`;
	const response = await exports.default.fetch(`${BASE}${path}`, {
		method: "POST",
		headers,
		body: JSON.stringify(body),
	});
	// biome-ignore lint/suspicious/noExplicitAny: asserted field by field
	return { status: response.status, body: (await response.json()) as any };
}

describe("template import", () => {
	it("registers, then records the upload as Ready with its sizes", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id, { url: "nfs://10.6.6.6/sec" });
		const identity = await enrollFakeAgent(zone);
		const registered = await post(identity, "", { name: "seed-image", format: "QCOW2" });
		expect(registered.status).toBe(201);
		const { templateId, path } = registered.body;
		expect(registered.body.store).toEqual({ kind: "nfs", server: "10.6.6.6", path: "/sec" });
		expect(path).toBe(`template/tmpl/00000000-0000-4000-8000-0000000000a0/${templateId}/${templateId}.qcow2`);
		const template = await db.select().from(templates).where(eq(templates.id, templateId)).get();
		expect(template).toMatchObject({
			name: "seed-image",
			displayText: "seed-image",
			isIso: false,
			hypervisor: "KVM",
			isPublic: true,
			isFeatured: false,
			crossZones: false,
			url: null,
			accountId: "00000000-0000-4000-8000-0000000000a0",
		});
		expect(await storeRow(templateId, zone.id)).toMatchObject({
			state: "Downloading",
			imageStoreId: store.id,
			percent: 0,
		});

		const image = {
			path,
			format: "QCOW2",
			sizeBytes: 10_737_418_240,
			physicalBytes: 1_000_000,
			sha256: "e".repeat(64),
		};
		const done = await post(identity, `/${templateId}`, { ok: true, image });
		expect(done).toEqual({ status: 200, body: { state: "Ready" } });
		expect(await storeRow(templateId, zone.id)).toMatchObject({
			state: "Ready",
			percent: 100,
			sizeBytes: 10_737_418_240,
			physicalBytes: 1_000_000,
		});
		expect(await eventTypesOf(templateId)).toEqual([
			"TEMPLATE.CREATE",
			"TEMPLATE.DOWNLOAD.START",
			"TEMPLATE.DOWNLOAD.SUCCESS",
		]);
		// Reported twice: the import is over.
		expect((await post(identity, `/${templateId}`, { ok: true, image })).status).toBe(409);
	});

	it("records a failed upload as Error with the agent's text", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id);
		const identity = await enrollFakeAgent(zone);
		const { body } = await post(identity, "", { name: "boot.iso", format: "ISO", displayText: "Boot" });
		const failed = await post(identity, `/${body.templateId}`, {
			ok: false,
			error: "the file is not an ISO 9660 image",
		});
		expect(failed).toEqual({ status: 200, body: { state: "Error" } });
		expect(await storeRow(body.templateId, zone.id)).toMatchObject({
			state: "Error",
			errorText: "the file is not an ISO 9660 image",
		});
		expect(await eventTypesOf(body.templateId)).toEqual([
			"ISO.CREATE",
			"TEMPLATE.DOWNLOAD.START",
			"TEMPLATE.DOWNLOAD.FAILED",
		]);
	});

	it("refuses a missing, replayed or foreign credential, bad bodies and a zone without secondary storage", async () => {
		const zone = await newZone();
		const identity = await enrollFakeAgent(zone);
		expect((await post(null, "", { name: "x", format: "QCOW2" })).status).toBe(401);
		expect((await post(null, "", { name: "x", format: "QCOW2" }, "not.a.jwt")).status).toBe(401);
		const noStore = await post(identity, "", { name: "x", format: "QCOW2" });
		expect(noStore.status).toBe(409);
		expect(noStore.body.error).toMatch(/no secondary storage/);

		await insertImageStore(zone.id);
		const jwt = await relayJwt(identity);
		expect((await post(identity, "", { name: "x", format: "QCOW2" }, jwt)).status).toBe(201);
		expect((await post(identity, "", { name: "x", format: "QCOW2" }, jwt)).body).toMatchObject({ reason: "replayed" });
		expect((await post(identity, "", { name: "x", format: "VHD" })).status).toBe(400);
		expect((await post(identity, "", { name: "x", format: "QCOW2", osTypeId: "nope" })).status).toBe(400);

		// Another zone's relay cannot finish this zone's import.
		const { body } = await post(identity, "", { name: "y", format: "RAW" });
		const otherZone = await newZone();
		const stranger = await enrollFakeAgent(otherZone);
		expect((await post(stranger, `/${body.templateId}`, { ok: false, error: "x" })).status).toBe(404);
		expect((await post(identity, "/not-a-uuid", { ok: false, error: "x" })).status).toBe(404);
	});
});
