/**
 * ISO commands without a relay agent (registerIso, listIsos, updateIso, deleteIso, copyIso,
 * list/updateIsoPermissions): the same rules as templates with ISO's own envelopes, events and
 * defaults (isofilter selfexecutable, bootable, zoneid required), and templates and ISOs kept apart.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	call,
	expectDenied,
	expectParamError,
	jobResult,
	listItems,
	ok,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zoneA: Obj;
let zoneB: Obj;

beforeAll(async () => {
	world = await buildWorld();
	zoneA = await createZone(world);
	zoneB = await createZone(world);
});

function isoParams(extra: Params = {}): Params {
	return {
		command: "registerIso",
		name: unique("iso-"),
		url: "https://images.example.com/netinst.iso",
		zoneid: zoneA.id,
		...extra,
	};
}

async function registerIso(actor: Actor = world.alice, extra: Params = {}): Promise<Obj> {
	const body = ok(await call(actor, isoParams(extra)), "registerIso");
	expect(body.count).toBe(body.iso.length);
	return body.iso[0];
}

async function isos(actor: Actor, params: Params = {}): Promise<Obj[]> {
	return listItems(actor, "listIsos", "iso", params);
}

async function markReady(id: string, zoneId: string) {
	await env.DB.prepare(
		"UPDATE template_stores SET state = 'Ready', size_bytes = 658505728 WHERE template_id = ? AND zone_id = ?",
	)
		.bind(id, zoneId)
		.run();
}

describe("registerIso", () => {
	it("answers a list of iso items, format ISO, bootable, no hypervisor, and writes ISO.CREATE", async () => {
		const iso = await registerIso(world.alice, { displaytext: "Debian netinst", bootable: "true" });
		expect(iso).toMatchObject({
			displaytext: "Debian netinst",
			format: "ISO",
			bootable: true,
			isready: false,
			status: "Waiting for secondary storage in the zone: add one with addImageStore",
			zoneid: zoneA.id,
			account: "alice",
		});
		expect(iso.hypervisor).toBeUndefined();
		const events = await listItems(world.root, "listEvents", "event", {
			type: "ISO.CREATE",
			resourceid: iso.id,
			listall: "true",
		});
		expect(events).toHaveLength(1);
	});

	it("needs a zone (or -1), and checks the URL and checksum as templates do", async () => {
		expectParamError(await call(world.alice, isoParams({ zoneid: "" })), "registerIso", /zoneid/);
		expectParamError(
			await call(world.alice, isoParams({ url: "gopher://x/y.iso" })),
			"registerIso",
			/only http and https/,
		);
		expectParamError(
			await call(world.alice, isoParams({ checksum: "{SHA-1}00" })),
			"registerIso",
			/SHA-1 digest is 40/,
		);
		const all = ok(await call(world.alice, isoParams({ zoneid: "-1" })), "registerIso");
		expect(all.iso.map((i: Obj) => i.zoneid)).toEqual(expect.arrayContaining([zoneA.id, zoneB.id]));
	});
});

describe("listIsos", () => {
	it("defaults to selfexecutable (own, ready), and self lists own ones in any state", async () => {
		const waiting = await registerIso();
		const ready = await registerIso();
		await markReady(ready.id, zoneA.id);
		const byDefault = (await isos(world.alice)).map((i) => i.id);
		expect(byDefault).toContain(ready.id);
		expect(byDefault).not.toContain(waiting.id);
		expect((await isos(world.alice, { isofilter: "self" })).map((i) => i.id)).toEqual(
			expect.arrayContaining([ready.id, waiting.id]),
		);
		const [shown] = await isos(world.alice, { id: ready.id });
		expect(shown).toMatchObject({ isready: true, status: "Download Complete", size: 658505728 });
	});

	it("filters bootable and ispublic, and never lists templates (nor listTemplates ISOs)", async () => {
		const notBootable = await registerIso(world.alice, { bootable: "false" });
		const pub = await registerIso(world.alice, { ispublic: "true" });
		const self = { isofilter: "self" };
		expect((await isos(world.alice, { ...self, bootable: "false" })).map((i) => i.id)).toEqual([notBootable.id]);
		expect((await isos(world.alice, { ...self, ispublic: "true" })).map((i) => i.id)).toEqual([pub.id]);
		expect((await isos(world.carol, { isofilter: "community" })).map((i) => i.id)).toContain(pub.id);
		expect(await listItems(world.alice, "listTemplates", "template", { templatefilter: "self", id: pub.id })).toEqual(
			[],
		);
		const tmpl = ok(
			await call(world.alice, {
				command: "registerTemplate",
				name: unique("t-"),
				url: "http://images.example.com/a.qcow2",
				format: "QCOW2",
				hypervisor: "KVM",
				zoneid: zoneA.id,
			}),
			"registerTemplate",
		).template[0];
		expect(await isos(world.alice, { isofilter: "self", id: tmpl.id })).toEqual([]);
		expectParamError(await call(world.alice, { command: "updateIso", id: tmpl.id, name: "x" }), "updateIso", /id/);
	});

	it("refuses isofilter all for users", async () => {
		expectParamError(await call(world.alice, { command: "listIsos", isofilter: "all" }), "listIsos", /admin only/);
	});
});

describe("updateIso, deleteIso, copyIso and ISO permissions", () => {
	it("updates bootable and the name, writing ISO.UPDATE", async () => {
		const iso = await registerIso();
		const body = ok(
			await call(world.alice, { command: "updateIso", id: iso.id, name: "renamed-iso", bootable: "false" }),
			"updateIso",
		);
		expect(body.iso).toMatchObject({ id: iso.id, name: "renamed-iso", bootable: false });
		expectDenied(await call(world.bob, { command: "updateIso", id: iso.id, name: "x" }), "updateIso");
	});

	it("copies to another zone (answered under copytemplateresponse, as CloudStack) with ISO.COPY", async () => {
		const iso = await registerIso();
		const result = await call(world.alice, { command: "copyIso", id: iso.id, destzoneids: zoneB.id });
		const job = await jobResult(world.alice, result, "copyTemplate");
		expect(job.jobstatus).toBe(1);
		expect(job.jobresult.iso).toMatchObject({ id: iso.id, zoneid: zoneB.id });
		const events = await listItems(world.root, "listEvents", "event", {
			type: "ISO.COPY",
			resourceid: iso.id,
			listall: "true",
		});
		expect(events).toHaveLength(1);
	});

	it("shares with an account of the owner's domain under templatepermission", async () => {
		const iso = await registerIso();
		ok(
			await call(world.alice, { command: "updateIsoPermissions", id: iso.id, accounts: "bob", op: "add" }),
			"updateIsoPermissions",
		);
		const perms = ok(await call(world.alice, { command: "listIsoPermissions", id: iso.id }), "listtemplatepermissions");
		expect(perms.templatepermission.account).toEqual(["bob"]);
		expect((await isos(world.bob, { isofilter: "shared" })).map((i) => i.id)).toContain(iso.id);
	});

	it("deletes (async) with ISO.DELETE", async () => {
		const iso = await registerIso();
		expect(await runJob(world.alice, { command: "deleteIso", id: iso.id })).toMatchObject({ success: true });
		expect(await isos(world.alice, { isofilter: "self", id: iso.id })).toEqual([]);
		const events = await listItems(world.root, "listEvents", "event", {
			type: "ISO.DELETE",
			resourceid: iso.id,
			listall: "true",
		});
		expect(events).toHaveLength(1);
	});
});
