/**
 * Template copies onto primary pools (workerd, fake agent): ten concurrent ensureTemplateOnPool
 * calls make exactly one template.prepare; a failed copy throws the agent's text and is retried by
 * the next caller; prepareTemplateOnPools copies to Up pools only and refuses a pool in
 * maintenance or a template not ready in the zone.
 */
import type { CommandArgs } from "@flarestack/protocol";
import { describe, expect, it } from "vitest";
import { CsError } from "../../../worker/src/api/errors";
import { ensureTemplateOnPool, prepareTemplateOnPools } from "../../../worker/src/templates";
import { defaultAnswer, FAKE_IMAGE_SIZE, startFakeAgent } from "../../helpers/fake-agent";
import {
	eventually,
	insertImageStore,
	insertPool,
	insertReadyCopy,
	insertTemplate,
	newZone,
	poolRow,
	templateDeps,
} from "./site";

const PREPARE = "template.prepare";

async function refusal(promise: Promise<unknown>): Promise<CsError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof CsError) return error;
		throw error;
	}
	throw new Error("expected a CsError");
}

describe("template copies on pools", () => {
	it("makes one copy for ten concurrent callers, then reuses it", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id, { url: "nfs://10.2.2.2/sec" });
		const pool = await insertPool(zone.id, { type: "SharedMountPoint", host: "localhost", path: "/mnt/primary" });
		const template = await insertTemplate({ format: "RAW" });
		const source = await insertReadyCopy(template.id, zone.id, store.id);
		const agent = await startFakeAgent(zone, {
			// Slow enough that every caller finds the copy under way.
			onCommand: async (frame, self) => {
				if (frame.name === PREPARE) await new Promise((r) => setTimeout(r, 600));
				return defaultAnswer(frame, self);
			},
		});
		const results = await Promise.all(
			Array.from({ length: 10 }, () => ensureTemplateOnPool(templateDeps(), template.id, pool.id)),
		);
		expect(results).toEqual(Array(10).fill({ path: `template-${template.id}.qcow2`, sizeBytes: FAKE_IMAGE_SIZE }));
		const prepares = agent.commands.filter((c) => c.name === PREPARE);
		expect(prepares).toHaveLength(1);
		expect(prepares[0]?.args as unknown as CommandArgs<"template.prepare">).toEqual({
			templateId: template.id,
			source: { store: { kind: "nfs", server: "10.2.2.2", path: "/sec" }, path: source, format: "RAW" },
			pool: { kind: "local", path: "/mnt/primary" },
			path: `template-${template.id}.qcow2`,
		});
		expect(await poolRow(template.id, pool.id)).toMatchObject({ state: "Ready", errorText: null });
		await ensureTemplateOnPool(templateDeps(), template.id, pool.id);
		expect(agent.commands.filter((c) => c.name === PREPARE)).toHaveLength(1);
		agent.close();
	}, 20_000);

	it("throws the agent's text when the copy fails, and the next caller copies again", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id);
		const pool = await insertPool(zone.id);
		const template = await insertTemplate();
		await insertReadyCopy(template.id, zone.id, store.id);
		let fail = true;
		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) =>
				frame.name === PREPARE && fail
					? { ok: false, error: { code: "failed", text: "primary storage pri is full: 10 bytes free" } }
					: defaultAnswer(frame, self),
		});
		const error = await refusal(ensureTemplateOnPool(templateDeps(), template.id, pool.id));
		expect(error.message).toMatch(/primary storage pri is full: 10 bytes free/);
		expect(await poolRow(template.id, pool.id)).toMatchObject({ state: "Error" });
		fail = false;
		expect(await ensureTemplateOnPool(templateDeps(), template.id, pool.id)).toMatchObject({
			sizeBytes: FAKE_IMAGE_SIZE,
		});
		expect(agent.commands.filter((c) => c.name === PREPARE)).toHaveLength(2);
		agent.close();
	});

	it("fails at once with no relay connected", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id);
		const pool = await insertPool(zone.id);
		const template = await insertTemplate();
		await insertReadyCopy(template.id, zone.id, store.id);
		const error = await refusal(ensureTemplateOnPool(templateDeps(), template.id, pool.id));
		expect(error.message).toMatch(/has no connected relay agent/);
	});

	it("copies to every Up pool without a copy; refuses pools in maintenance and templates not ready", async () => {
		const zone = await newZone();
		const store = await insertImageStore(zone.id);
		const up1 = await insertPool(zone.id);
		const up2 = await insertPool(zone.id);
		const maintenance = await insertPool(zone.id, { state: "Maintenance" });
		const template = await insertTemplate();
		const agent = await startFakeAgent(zone);

		const notReady = await refusal(prepareTemplateOnPools(templateDeps(), template.id, zone.id));
		expect(notReady.code).toBe(431);
		expect(notReady.message).toMatch(/is not registered in this zone|not ready/);

		await insertReadyCopy(template.id, zone.id, store.id);
		const refused = await refusal(prepareTemplateOnPools(templateDeps(), template.id, zone.id, maintenance.id));
		expect(refused.code).toBe(431);
		expect(refused.message).toMatch(/Maintenance: templates are copied to Up pools only/);

		await prepareTemplateOnPools(templateDeps(), template.id, zone.id);
		await eventually(async () => (await poolRow(template.id, up1.id))?.state === "Ready", "up1 Ready");
		await eventually(async () => (await poolRow(template.id, up2.id))?.state === "Ready", "up2 Ready");
		expect(await poolRow(template.id, maintenance.id)).toBeUndefined();
		// Again: nothing left to copy.
		await prepareTemplateOnPools(templateDeps(), template.id, zone.id);
		expect(agent.commands.filter((c) => c.name === PREPARE)).toHaveLength(2);
		agent.close();
	});
});
