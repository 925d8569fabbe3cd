/**
 * Disk offerings: createDiskOffering listDiskOfferings updateDiskOffering deleteDiskOffering —
 * fixed and customized sizes, IOPS rules, every validation refusal, visibility (domains and
 * displayoffering), list filters and paging, delete of an in-use offering, events, and the
 * five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zone: { id: string; name: string };

beforeAll(async () => {
	world = await buildWorld();
	// A zone row inserted straight into D1 (createZone is written by another helper at the same time).
	zone = { id: crypto.randomUUID(), name: unique("zone-") };
	await env.DB.prepare(
		"INSERT INTO zones (id, name, network_type, dns1, internal_dns1, created) VALUES (?, ?, 'Advanced', '8.8.8.8', '10.0.0.2', ?)",
	)
		.bind(zone.id, zone.name, Date.now())
		.run();
});

async function create(params: Params = {}): Promise<Obj> {
	const result = await call(world.root, {
		command: "createDiskOffering",
		name: unique("do-"),
		disksize: "20",
		...params,
	});
	return ok(result, "createDiskOffering").diskoffering;
}

function list(actor: Actor, params: Params = {}): Promise<Obj[]> {
	return listItems(actor, "listDiskOfferings", "diskoffering", params);
}

async function visibleIds(actor: Actor, params: Params = {}): Promise<string[]> {
	return (await list(actor, params)).map((o) => o.id);
}

async function eventsFor(type: string, id: string): Promise<Obj[]> {
	const events = await listItems(world.root, "listEvents", "event", { type, listall: "true" });
	return events.filter((e) => e.resourceid === id);
}

describe("createDiskOffering", () => {
	it("creates a fixed-size offering (disksize in GB) and lists it", async () => {
		const name = unique("twenty-");
		const result = await call(world.root, { command: "createDiskOffering", name, disksize: "20" });
		expect(Object.keys(result.body)).toEqual(["creatediskofferingresponse"]);
		const offering = ok(result, "createDiskOffering").diskoffering;
		expect(offering).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name,
			displaytext: name,
			state: "Active",
			disksize: 20,
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
			iscustomized: false,
			storagetype: "shared",
			provisioningtype: "thin",
			displayoffering: true,
			disksizestrictness: false,
			encrypt: false,
			hasannotations: false,
		});
		expect(await list(world.root, { id: offering.id })).toEqual([offering]);
		const [event] = await eventsFor("DISK.OFFERING.CREATE", offering.id);
		expect(event).toMatchObject({ resourcetype: "DiskOffering", resourcename: name });
	});

	it("is customized (disksize 0) when disksize is absent", async () => {
		const offering = await create({ disksize: "" });
		expect(offering).toMatchObject({ iscustomized: true, disksize: 0 });
	});

	it("stores tags, types, encryption, visibility, domains and zones", async () => {
		const offering = await create({
			displaytext: "Fast local",
			tags: "ssd",
			storagetype: "local",
			provisioningtype: "sparse",
			encrypt: "true",
			displayoffering: "false",
			domainid: `${world.d2},${world.d1}`,
			zoneid: zone.id,
		});
		expect(offering).toMatchObject({
			displaytext: "Fast local",
			tags: "ssd",
			storagetype: "local",
			provisioningtype: "sparse",
			encrypt: true,
			displayoffering: false,
			domainid: `${world.d2},${world.d1}`,
			domain: "d2,d1",
			zoneid: zone.id,
			zone: zone.name,
		});
	});

	it("keeps fixed IOPS, and none when the volume names them (customizediops)", async () => {
		expect(await create({ customizediops: "false", miniops: "100", maxiops: "500" })).toMatchObject({
			iscustomizediops: false,
			miniops: 100,
			maxiops: 500,
		});
		expect(await create({ miniops: "100", maxiops: "100" })).toMatchObject({ miniops: 100, maxiops: 100 });
		const custom = await create({ customizediops: "true", miniops: "100", maxiops: "500" });
		expect(custom.iscustomizediops).toBe(true);
		expect(custom.miniops).toBeUndefined();
		expect(custom.maxiops).toBeUndefined();
	});

	const refusals: [string, Params, RegExp][] = [
		["disksize 0", { disksize: "0" }, /Please specify a disk size of at least 1 GB/],
		["a disk larger than 2000 GB", { disksize: "2001" }, /The maximum size for a disk is 2000 GB/],
		["customized with a disksize", { customized: "true" }, /A customized disk offering cannot have a disksize/],
		["customized=false without disksize", { customized: "false", disksize: "" }, /needs a disksize/],
		["miniops 0", { customizediops: "false", miniops: "0", maxiops: "10" }, /The min IOPS must be greater than 0/],
		[
			"miniops above maxiops",
			{ customizediops: "false", miniops: "500", maxiops: "100" },
			/The min IOPS must be less than or equal to the max IOPS/,
		],
		["an unknown storage type", { storagetype: "tape" }, /Invalid storage type tape specified/],
		["an unknown provisioning type", { provisioningtype: "lazy" }, /Invalid provisioning type specified: lazy/],
		[
			"an unknown domain",
			{ domainid: "11111111-1111-4111-8111-111111111111" },
			/Invalid parameter domainid value=11111111-1111-4111-8111-111111111111/,
		],
		["an unknown zone", { zoneid: "22222222-2222-4222-8222-222222222222" }, /Invalid parameter zoneid/],
	];
	for (const [what, params, text] of refusals) {
		it(`refuses ${what} with 431 and writes nothing`, async () => {
			const name = unique("refused-");
			const result = await call(world.root, { command: "createDiskOffering", disksize: "20", ...params, name });
			expectParamError(result, "createDiskOffering", text);
			expect(await list(world.root, { name, state: "all" })).toEqual([]);
		});
	}
});

describe("listDiskOfferings", () => {
	const tag = unique("dflt");
	let pub: Obj;
	let forD1: Obj;
	let forD2: Obj;
	let hidden: Obj;
	let inZone: Obj;
	let local: Obj;
	let encrypted: Obj;
	beforeAll(async () => {
		pub = await create({ name: `${tag}-pub` });
		forD1 = await create({ name: `${tag}-d1`, domainid: world.d1 });
		forD2 = await create({ name: `${tag}-d2`, domainid: world.d2 });
		hidden = await create({ name: `${tag}-hidden`, displayoffering: "false" });
		inZone = await create({ name: `${tag}-zone`, zoneid: zone.id });
		local = await create({ name: `${tag}-local`, storagetype: "local", displaytext: `${tag} Local Disk` });
		encrypted = await create({ name: `${tag}-enc`, encrypt: "true" });
	});
	const ids = (actor: Actor, params: Params = {}) => visibleIds(actor, { keyword: tag, ...params });

	it("shows root and read-only admins everything, hidden offerings included", async () => {
		for (const admin of [world.root, world.readOnly]) {
			expect(await ids(admin)).toEqual([pub.id, forD1.id, forD2.id, hidden.id, inZone.id, local.id, encrypted.id]);
		}
	});

	it("shows users public offerings and their domain's, never displayoffering=false ones", async () => {
		expect(await ids(world.alice)).toEqual([pub.id, forD1.id, inZone.id, local.id, encrypted.id]);
		expect(await ids(world.carol)).toEqual([pub.id, forD2.id, inZone.id, local.id, encrypted.id]);
		expect(await ids(world.domainAdmin)).toEqual([pub.id, forD1.id, inZone.id, local.id, encrypted.id]);
	});

	it("filters by zone, storage type, encryption, name and domain", async () => {
		expect(await ids(world.root, { zoneid: zone.id })).toContain(inZone.id);
		expect(await ids(world.root, { zoneid: crypto.randomUUID() })).not.toContain(inZone.id);
		expect(await ids(world.root, { storagetype: "LOCAL" })).toEqual([local.id]);
		expect(await ids(world.root, { encrypt: "true" })).toEqual([encrypted.id]);
		expect(await visibleIds(world.root, { name: `${tag}-PUB` })).toEqual([pub.id]);
		expect(await ids(world.root, { domainid: world.d2 })).toEqual([forD2.id]);
		expect(await visibleIds(world.root, { keyword: `${tag} local disk` })).toEqual([local.id]);
	});

	it("pages with count = total matches", async () => {
		const body = ok(
			await call(world.root, { command: "listDiskOfferings", keyword: tag, pagesize: "3", page: "3" }),
			"listDiskOfferings",
		);
		expect(body.count).toBe(7);
		expect(body.diskoffering.map((o: Obj) => o.id)).toEqual([encrypted.id]);
		expectParamError(
			await call(world.root, { command: "listDiskOfferings", pagesize: "501" }),
			"listDiskOfferings",
			/Page size can't exceed max allowed page size value: 500/,
		);
	});
});

describe("updateDiskOffering", () => {
	it("changes name, text, tags, sort key, visibility and restriction; writes DISK.OFFERING.EDIT", async () => {
		const offering = await create({ domainid: world.d1 });
		const name = unique("renamed-");
		const updated = ok(
			await call(world.root, {
				command: "updateDiskOffering",
				id: offering.id,
				name,
				displaytext: "Updated",
				tags: "hdd",
				sortkey: "3",
				displayoffering: "false",
				domainid: "public",
				zoneid: zone.id,
			}),
			"updateDiskOffering",
		).diskoffering;
		expect(updated).toMatchObject({
			name,
			displaytext: "Updated",
			tags: "hdd",
			displayoffering: false,
			zoneid: zone.id,
			disksize: 20,
		});
		expect(updated.domainid).toBeUndefined();
		expect(await list(world.root, { id: offering.id })).toEqual([updated]);
		expect(await visibleIds(world.carol, { id: offering.id })).toEqual([]);
		const [event] = await eventsFor("DISK.OFFERING.EDIT", offering.id);
		expect(event.resourcename).toBe(name);
	});

	it("deactivates and reactivates", async () => {
		const offering = await create();
		const update = (state: string) => call(world.root, { command: "updateDiskOffering", id: offering.id, state });
		expect(ok(await update("Inactive"), "updateDiskOffering").diskoffering.state).toBe("Inactive");
		expect(await visibleIds(world.root, { id: offering.id })).toEqual([]);
		expect(await visibleIds(world.root, { id: offering.id, state: "all" })).toEqual([offering.id]);
		ok(await update("Active"), "updateDiskOffering");
		expect(await visibleIds(world.root, { id: offering.id })).toEqual([offering.id]);
		expectParamError(await update("Gone"), "updateDiskOffering", /Invalid state Gone/);
	});

	it("refuses an unknown offering", async () => {
		expectParamError(
			await call(world.root, { command: "updateDiskOffering", id: "66666666-6666-4666-8666-666666666666", name: "x" }),
			"updateDiskOffering",
			/Invalid parameter id value=66666666-6666-4666-8666-666666666666/,
		);
	});
});

describe("deleteDiskOffering", () => {
	it("removes an unused offering and writes DISK.OFFERING.DELETE", async () => {
		const offering = await create();
		expect(
			ok(await call(world.root, { command: "deleteDiskOffering", id: offering.id }), "deleteDiskOffering"),
		).toEqual({
			success: true,
		});
		expect(await visibleIds(world.root, { id: offering.id, state: "all" })).toEqual([]);
		expect(await eventsFor("DISK.OFFERING.DELETE", offering.id)).toHaveLength(1);
		expectParamError(
			await call(world.root, { command: "deleteDiskOffering", id: offering.id }),
			"deleteDiskOffering",
			/Invalid parameter id/,
		);
	});

	it("only deactivates an offering a service offering uses as its root disk", async () => {
		const offering = await create();
		const so = ok(
			await call(world.root, {
				command: "createServiceOffering",
				name: unique("so-"),
				cpunumber: "1",
				memory: "512",
				diskofferingid: offering.id,
			}),
			"createServiceOffering",
		).serviceoffering;
		expect(
			ok(await call(world.root, { command: "deleteDiskOffering", id: offering.id }), "deleteDiskOffering"),
		).toEqual({
			success: true,
		});
		const [kept] = await list(world.root, { id: offering.id, state: "all" });
		expect(kept.state).toBe("Inactive");
		const [event] = await eventsFor("DISK.OFFERING.DELETE", offering.id);
		expect(event.description).toContain("deactivated");
		const [linked] = await listItems(world.root, "listServiceOfferings", "serviceoffering", { id: so.id });
		expect(linked.diskofferingid).toBe(offering.id);
	});
});

const absent = { id: "00000000-0000-4000-8000-000000000000" };
const matrix: Record<string, CommandMatrix> = {
	createDiskOffering: {
		RootAdmin: [
			{
				scenario: "creates a public offering",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "createDiskOffering", name: unique("m-"), disksize: "5" }),
				verify: async (w, r) =>
					expect(await visibleIds(w.alice)).toContain(r.body.creatediskofferingresponse.diskoffering.id),
			},
		],
		ResourceAdmin: [unavailable("createDiskOffering", { name: "x", disksize: "5" })],
		DomainAdmin: [unavailable("createDiskOffering", { name: "x", disksize: "5" })],
		User: [unavailable("createDiskOffering", { name: "x", disksize: "5" })],
		ReadOnlyAdmin: [unavailable("createDiskOffering", { name: "x", disksize: "5" })],
	},
	listDiskOfferings: {
		RootAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listDiskOfferings" }) }],
		ResourceAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listDiskOfferings" }) }],
		DomainAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listDiskOfferings" }) }],
		User: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listDiskOfferings" }) }],
		ReadOnlyAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listDiskOfferings" }) }],
	},
	updateDiskOffering: {
		RootAdmin: [
			{
				scenario: "renames an offering",
				expect: "allowed",
				run: async (_w, a) => call(a, { command: "updateDiskOffering", id: (await create()).id, name: "renamed" }),
				verify: (_w, r) => expect(r.body.updatediskofferingresponse.diskoffering.name).toBe("renamed"),
			},
		],
		ResourceAdmin: [unavailable("updateDiskOffering", absent)],
		DomainAdmin: [unavailable("updateDiskOffering", absent)],
		User: [unavailable("updateDiskOffering", absent)],
		ReadOnlyAdmin: [unavailable("updateDiskOffering", absent)],
	},
	deleteDiskOffering: {
		RootAdmin: [
			{
				scenario: "deletes an offering",
				expect: "allowed",
				run: async (_w, a) => call(a, { command: "deleteDiskOffering", id: (await create()).id }),
			},
		],
		ResourceAdmin: [unavailable("deleteDiskOffering", absent)],
		DomainAdmin: [unavailable("deleteDiskOffering", absent)],
		User: [unavailable("deleteDiskOffering", absent)],
		ReadOnlyAdmin: [unavailable("deleteDiskOffering", absent)],
	},
};

describeMatrix("disk offering commands × roles", () => world, matrix);
