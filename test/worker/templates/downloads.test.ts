/**
 * Template downloads through the ZoneRelay (workerd, fake agent): the command and its arguments,
 * progress, success and failure in template_stores with TEMPLATE.DOWNLOAD.* events, Allocated rows
 * started on the agent's hello and on addImageStore, the deadline (Error + cleanup), answers of an
 * older attempt ignored, and a download answered after its template was deleted cleaned up.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { CommandArgs } from "@flarestack/protocol";
import { describe, expect, it } from "vitest";
import { removeTemplateCopies, startTemplateDownloads } from "../../../worker/src/templates";
import { defaultAnswer, FAKE_IMAGE_SIZE, startFakeAgent } from "../../helpers/fake-agent";
import {
	eventTypesOf,
	eventually,
	insertImageStore,
	insertTemplate,
	newZone,
	storeRow,
	stubOf,
	templateDeps,
} from "./site";

describe("template downloads", () => {
	it("sends template.download with the store, path, checksum and limits; progress then Ready", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id, { capacityBytes: 100, usedBytes: 90 });
		const roomy = await insertImageStore(zone.id, { capacityBytes: 1000, usedBytes: 10, url: "nfs://10.0.0.9/big" });
		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) => (frame.name === "template.download" ? "ignore" : defaultAnswer(frame, self)),
		});
		const template = await insertTemplate();
		await startTemplateDownloads(
			templateDeps({ "template.download.denied.cidrs": "10.0.0.0/8, 169.254.0.0/16", "max.template.iso.size": "2" }),
			template.id,
			[zone.id],
		);
		const command = await agent.waitForCommand("template.download");
		const args = command.args as unknown as CommandArgs<"template.download">;
		expect(args).toEqual({
			templateId: template.id,
			url: template.url,
			format: "QCOW2",
			checksum: { algorithm: "sha256", hex: "ab".repeat(32) },
			store: { kind: "nfs", server: "10.0.0.9", path: "/big" },
			path: `template/tmpl/${template.accountId}/${template.id}/${template.id}.qcow2`,
			limits: {
				maxBytes: 2 * 1024 ** 3,
				maxRedirects: 5,
				stallTimeoutMs: 60_000,
				attempts: 3,
				deniedRanges: ["10.0.0.0/8", "169.254.0.0/16"],
			},
		});
		expect(await storeRow(template.id, zone.id)).toMatchObject({
			state: "Downloading",
			imageStoreId: roomy.id,
			commandId: command.id,
			percent: 0,
		});

		agent.send({ type: "progress", id: command.id, percent: 37.4, text: "37% Downloaded" });
		await eventually(async () => (await storeRow(template.id, zone.id))?.percent === 37, "37%");

		agent.answer(command.id, {
			ok: true,
			result: { path: args.path, format: "QCOW2", sizeBytes: 5000, physicalBytes: 1200, sha256: "c".repeat(64) },
		});
		const ready = await eventually(async () => {
			const row = await storeRow(template.id, zone.id);
			return row?.state === "Ready" ? row : null;
		}, "Ready");
		expect(ready).toMatchObject({
			percent: 100,
			sizeBytes: 5000,
			physicalBytes: 1200,
			errorText: null,
			path: args.path,
		});
		expect(await eventTypesOf(template.id)).toEqual(["TEMPLATE.DOWNLOAD.START", "TEMPLATE.DOWNLOAD.SUCCESS"]);
		// A finished download refreshes the zone's store usage.
		await agent.waitForCommand("store.stat");
		expect(agent.garbage).toEqual([]);
		agent.close();
	});

	it("ends Error with the agent's text and TEMPLATE.DOWNLOAD.FAILED", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id);
		const text = "HTTP 404 Not Found from http://images.example.com/disk.qcow2";
		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) =>
				frame.name === "template.download"
					? { ok: false, error: { code: "failed", text } }
					: defaultAnswer(frame, self),
		});
		const template = await insertTemplate({ isIso: true, format: "ISO", hypervisor: null });
		await startTemplateDownloads(templateDeps(), template.id, [zone.id]);
		const row = await eventually(async () => {
			const r = await storeRow(template.id, zone.id);
			return r?.state === "Error" ? r : null;
		}, "Error");
		expect(row.errorText).toBe(text);
		expect(row.path).toMatch(/\.iso$/);
		expect(await eventTypesOf(template.id)).toEqual(["TEMPLATE.DOWNLOAD.START", "TEMPLATE.DOWNLOAD.FAILED"]);
		// The agent removed its files; the template's (now empty) directory goes too.
		const cleanup = await agent.waitForCommand("store.remove");
		expect((cleanup.args as unknown as { path: string }).path).toBe(row.path?.replace(/\/[^/]+$/, ""));
		agent.close();
	});

	it("waits Allocated with no relay, and starts on the agent's hello", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id);
		const template = await insertTemplate();
		await startTemplateDownloads(templateDeps(), template.id, [zone.id]);
		expect(await storeRow(template.id, zone.id)).toMatchObject({ state: "Allocated", commandId: null });
		expect(await eventTypesOf(template.id)).toEqual([]);

		const agent = await startFakeAgent(zone);
		await eventually(async () => (await storeRow(template.id, zone.id))?.state === "Ready", "Ready after hello");
		expect((await storeRow(template.id, zone.id))?.sizeBytes).toBe(FAKE_IMAGE_SIZE);
		agent.close();
	});

	it("waits Allocated with no image store, and starts when one is added", async () => {
		const zone = await newZone();
		const agent = await startFakeAgent(zone);
		const template = await insertTemplate();
		await startTemplateDownloads(templateDeps(), template.id, [zone.id]);
		expect(await storeRow(template.id, zone.id)).toMatchObject({ state: "Allocated", imageStoreId: null });
		const { startAllocatedDownloads } = await import("../../../worker/src/templates");
		const store = await insertImageStore(zone.id);
		await startAllocatedDownloads(templateDeps(), zone.id);
		const row = await eventually(async () => {
			const r = await storeRow(template.id, zone.id);
			return r?.state === "Ready" ? r : null;
		}, "Ready");
		expect(row.imageStoreId).toBe(store.id);
		agent.close();
	});

	it("fails at the deadline with a readable text and removes what the agent may have left", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id, { url: "nfs://10.1.1.1/sec" });
		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) => (frame.name === "template.download" ? "ignore" : defaultAnswer(frame, self)),
		});
		const template = await insertTemplate();
		await startTemplateDownloads(templateDeps({ "template.download.timeout": "600" }), template.id, [zone.id]);
		const command = await agent.waitForCommand("template.download");
		// Move the command's deadline into the past, then run the alarm.
		await runInDurableObject(stubOf(zone.id), async (_instance, state) => {
			const key = `cmd:${command.id}`;
			const pending = (await state.storage.get(key)) as { deadline: number };
			await state.storage.put(key, { ...pending, deadline: Date.now() - 1 });
		});
		const since = agent.commands.length;
		await runDurableObjectAlarm(stubOf(zone.id));
		const row = await storeRow(template.id, zone.id);
		expect(row).toMatchObject({
			state: "Error",
			errorText: "The download did not finish within 600 s (template.download.timeout)",
		});
		const cleanup = await agent.waitForCommand("store.remove", { since });
		expect(cleanup.args).toEqual({
			store: { kind: "nfs", server: "10.1.1.1", path: "/sec" },
			path: `template/tmpl/${template.accountId}/${template.id}`,
		});
		expect(await eventTypesOf(template.id)).toEqual(["TEMPLATE.DOWNLOAD.START", "TEMPLATE.DOWNLOAD.FAILED"]);
		agent.close();
	});

	it("ignores the answer of an older attempt, and cleans up a download whose template was deleted", async () => {
		const zone = await newZone();
		await insertImageStore(zone.id);
		const agent = await startFakeAgent(zone, {
			onCommand: (frame, self) => (frame.name === "template.download" ? "ignore" : defaultAnswer(frame, self)),
		});
		const template = await insertTemplate();
		await startTemplateDownloads(templateDeps(), template.id, [zone.id]);
		const first = await agent.waitForCommand("template.download");
		await startTemplateDownloads(templateDeps(), template.id, [zone.id]);
		const second = await agent.waitForCommand("template.download", {
			since: agent.commands.indexOf(first) + 1,
		});
		expect(second.id).not.toBe(first.id);
		const image = (command: typeof first) => {
			const args = command.args as unknown as CommandArgs<"template.download">;
			return { path: args.path, format: "QCOW2", sizeBytes: 1, physicalBytes: 1, sha256: "d".repeat(64) };
		};
		agent.answer(first.id, { ok: true, result: image(first) });
		// A ping round trip later the old answer has been handled: the row still waits for the second.
		await new Promise((r) => setTimeout(r, 200));
		expect(await storeRow(template.id, zone.id)).toMatchObject({ state: "Downloading", commandId: second.id });

		await removeTemplateCopies(templateDeps(), template.id);
		const since = agent.commands.length;
		agent.answer(second.id, { ok: true, result: image(second) });
		const cleanup = await agent.waitForCommand("store.remove", { since });
		expect((cleanup.args as unknown as { path: string }).path).toBe(
			`template/tmpl/${template.accountId}/${template.id}`,
		);
		expect(await storeRow(template.id, zone.id)).toBeUndefined();
		agent.close();
	});
});
