/**
 * Service offerings: createServiceOffering listServiceOfferings updateServiceOffering
 * deleteServiceOffering — fixed and customized offerings, every validation refusal, domain and
 * zone restriction with CloudStack's visibility rules, list filters and paging, events, and the
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
	createActor,
	describeMatrix,
	expectDenied,
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
let zoneA: { id: string; name: string };
let zoneB: { id: string; name: string };
/** A user in d1/sub: d1's offerings are its parent domain's. */
let subUser: Actor;

/** A zone row inserted straight into D1 (createZone is written by another helper at the same time). */
async function insertZone(): Promise<{ id: string; name: string }> {
	const zone = { id: crypto.randomUUID(), name: unique("zone-") };
	await env.DB.prepare(
		"INSERT INTO zones (id, name, network_type, dns1, internal_dns1, created) VALUES (?, ?, 'Advanced', '8.8.8.8', '10.0.0.2', ?)",
	)
		.bind(zone.id, zone.name, Date.now())
		.run();
	return zone;
}

beforeAll(async () => {
	world = await buildWorld();
	zoneA = await insertZone();
	zoneB = await insertZone();
	subUser = await createActor(world, world.sub, { accounttype: "0" });
});

async function create(params: Params = {}, by: Actor = world.root): Promise<Obj> {
	const result = await call(by, {
		command: "createServiceOffering",
		name: unique("so-"),
		cpunumber: "2",
		cpuspeed: "1000",
		memory: "2048",
		...params,
	});
	return ok(result, "createServiceOffering").serviceoffering;
}

function list(actor: Actor, params: Params = {}): Promise<Obj[]> {
	return listItems(actor, "listServiceOfferings", "serviceoffering", params);
}

async function visibleIds(actor: Actor, params: Params = {}): Promise<string[]> {
	return (await list(actor, params)).map((o) => o.id);
}

async function eventsFor(type: string, id: string): Promise<Obj[]> {
	const events = await listItems(world.root, "listEvents", "event", { type, listall: "true" });
	return events.filter((e) => e.resourceid === id);
}

async function createDiskOffering(params: Params = {}): Promise<Obj> {
	const result = await call(world.root, {
		command: "createDiskOffering",
		name: unique("do-"),
		disksize: "10",
		...params,
	});
	return ok(result, "createDiskOffering").diskoffering;
}

describe("createServiceOffering", () => {
	it("creates a fixed offering with CloudStack's defaults and lists it", async () => {
		const name = unique("small-");
		const result = await call(world.root, {
			command: "createServiceOffering",
			name,
			cpunumber: "1",
			cpuspeed: "500",
			memory: "512",
		});
		const body = ok(result, "createServiceOffering");
		expect(Object.keys(result.body)).toEqual(["createserviceofferingresponse"]);
		const offering = body.serviceoffering;
		expect(offering).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name,
			displaytext: name,
			state: "Active",
			cpunumber: 1,
			cpuspeed: 500,
			memory: 512,
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
			storagetype: "shared",
			provisioningtype: "thin",
			offerha: false,
			limitcpuuse: false,
			isvolatile: false,
			issystem: false,
			defaultuse: false,
			iscustomizediops: false,
			iscustomized: false,
			dynamicscalingenabled: true,
			diskofferingstrictness: false,
			encryptroot: false,
			hasannotations: false,
		});
		const [listed] = await list(world.root, { id: offering.id });
		expect(listed).toEqual(offering);
	});

	it("stores every optional setting and shows it", async () => {
		const offering = await create({
			displaytext: "Big and local",
			storagetype: "LOCAL",
			provisioningtype: "fat",
			offerha: "true",
			limitcpuuse: "true",
			isvolatile: "true",
			tags: "ssd",
			hosttags: "gpu",
			rootdisksize: "40",
			dynamicscalingenabled: "false",
			"serviceofferingdetails[0].key": "ignored",
			"serviceofferingdetails[0].value": "yes",
		});
		expect(offering).toMatchObject({
			displaytext: "Big and local",
			storagetype: "local",
			provisioningtype: "fat",
			offerha: true,
			limitcpuuse: true,
			isvolatile: true,
			storagetags: "ssd",
			hosttags: "gpu",
			rootdisksize: 40,
			dynamicscalingenabled: false,
		});
		expect(offering.serviceofferingdetails).toBeUndefined();
	});

	it("writes SERVICE.OFFERING.CREATE", async () => {
		const offering = await create();
		const [event] = await eventsFor("SERVICE.OFFERING.CREATE", offering.id);
		expect(event).toMatchObject({ resourcetype: "ServiceOffering", level: "INFO", state: "Completed" });
		expect(event.description).toContain(offering.name);
	});

	it("allows duplicate names, as CloudStack does", async () => {
		const name = unique("dup-");
		const a = await create({ name });
		const b = await create({ name });
		expect(a.id).not.toBe(b.id);
		expect((await list(world.root, { name })).map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
	});

	it("is customized when cpunumber and memory are both missing", async () => {
		const offering = await create({ cpunumber: "", memory: "", cpuspeed: "" });
		expect(offering.iscustomized).toBe(true);
		expect(offering.cpunumber).toBeUndefined();
		expect(offering.memory).toBeUndefined();
		expect(offering.cpuspeed).toBeUndefined();
		expect(offering.serviceofferingdetails).toBeUndefined();
	});

	it("keeps a constrained customized offering's bounds as CloudStack's string details", async () => {
		const offering = await create({
			cpunumber: "",
			memory: "",
			customized: "true",
			mincpunumber: "1",
			maxcpunumber: "4",
			minmemory: "512",
			maxmemory: "8192",
		});
		expect(offering.iscustomized).toBe(true);
		expect(offering.cpuspeed).toBe(1000);
		expect(offering.serviceofferingdetails).toEqual({
			mincpunumber: "1",
			maxcpunumber: "4",
			minmemory: "512",
			maxmemory: "8192",
		});
	});

	it("restricts an offering to domains (dropping a sub-domain its parent covers) and zones", async () => {
		const offering = await create({
			domainid: `${world.d1},${world.sub},${world.d2}`,
			zoneid: `${zoneA.id},${zoneB.id}`,
		});
		expect(offering.domainid).toBe(`${world.d1},${world.d2}`);
		expect(offering.domain).toBe("d1,d2");
		expect(offering.zoneid).toBe(`${zoneA.id},${zoneB.id}`);
		expect(offering.zone).toBe(`${zoneA.name},${zoneB.name}`);
	});

	it("links a disk offering and shows its name", async () => {
		const disk = await createDiskOffering({ displaytext: "Root disk" });
		const offering = await create({ diskofferingid: disk.id });
		expect(offering).toMatchObject({
			diskofferingid: disk.id,
			diskofferingname: disk.name,
			diskofferingdisplaytext: "Root disk",
		});
	});

	const refusals: [string, Params, RegExp][] = [
		["a missing name", { name: "" }, /missing parameter name/],
		["cpunumber 0", { cpunumber: "0" }, /specify the cpu number value between 1 and 2147483647/],
		["cpuspeed 0", { cpuspeed: "0" }, /specify the cpu speed value between 1 and 2147483647/],
		["memory 0", { memory: "0" }, /specify the memory value between 32 and 2147483647 MB/],
		["memory below 32 MB", { memory: "16" }, /specify the memory value between 32 and/],
		["a non-numeric cpunumber", { cpunumber: "two" }, /Invalid parameter cpunumber value=two/],
		[
			"cpunumber without memory",
			{ memory: "" },
			/For creating a custom compute offering cpu and memory all should be null/,
		],
		[
			"customized=true with cpunumber and memory",
			{ customized: "true" },
			/custom compute offering cpu and memory all should be null/,
		],
		["customized=false without memory", { customized: "false", memory: "" }, /cpunumber and memory must be specified/],
		[
			"only some of the bounds",
			{ cpunumber: "", memory: "", mincpunumber: "1", maxcpunumber: "2" },
			/min\/max cpu and min\/max memory should all be null or all specified/,
		],
		[
			"mincpunumber above maxcpunumber",
			{ cpunumber: "", memory: "", mincpunumber: "4", maxcpunumber: "2", minmemory: "512", maxmemory: "1024" },
			/mincpunumber should not be greater than maxcpunumber/,
		],
		[
			"minmemory above maxmemory",
			{ cpunumber: "", memory: "", mincpunumber: "1", maxcpunumber: "2", minmemory: "2048", maxmemory: "1024" },
			/minmemory should not be greater than maxmemory/,
		],
		[
			"a zero bound",
			{ cpunumber: "", memory: "", mincpunumber: "0", maxcpunumber: "2", minmemory: "512", maxmemory: "1024" },
			/minimum cpu number value between 1/,
		],
		[
			"an unknown storage type",
			{ storagetype: "nvme" },
			/Invalid storage type nvme specified, valid types are: 'local' and 'shared'/,
		],
		["an unknown provisioning type", { provisioningtype: "thick" }, /Invalid provisioning type specified: thick/],
		["issystem=true", { issystem: "true" }, /System service offerings \(issystem=true\) are not supported/],
		["rootdisksize 0", { rootdisksize: "0" }, /The Root disk size is of 0 GB but it must be greater than 0/],
		[
			"an unknown domain",
			{ domainid: "11111111-1111-4111-8111-111111111111" },
			/Invalid parameter domainid value=11111111-1111-4111-8111-111111111111/,
		],
		["a malformed domain id", { domainid: "nope" }, /Invalid parameter domainid value=nope/],
		[
			"an unknown zone",
			{ zoneid: "22222222-2222-4222-8222-222222222222" },
			/Invalid parameter zoneid value=22222222-2222-4222-8222-222222222222/,
		],
		[
			"an unknown disk offering",
			{ diskofferingid: "33333333-3333-4333-8333-333333333333" },
			/Invalid parameter diskofferingid value=33333333-3333-4333-8333-333333333333/,
		],
	];
	for (const [what, params, text] of refusals) {
		it(`refuses ${what} with 431 and writes nothing`, async () => {
			const name = params.name ?? unique("refused-");
			const result = await call(world.root, {
				command: "createServiceOffering",
				cpunumber: "2",
				cpuspeed: "1000",
				memory: "2048",
				...params,
				name,
			});
			expectParamError(result, "createServiceOffering", text);
			if (name !== "") expect(await list(world.root, { name, state: "all" })).toEqual([]);
		});
	}

	it("refuses an Inactive disk offering", async () => {
		const disk = await createDiskOffering();
		ok(await call(world.root, { command: "updateDiskOffering", id: disk.id, state: "Inactive" }), "updateDiskOffering");
		const result = await call(world.root, {
			command: "createServiceOffering",
			name: unique("so-"),
			cpunumber: "1",
			memory: "512",
			diskofferingid: disk.id,
		});
		expectParamError(result, "createServiceOffering", /is Inactive/);
	});
});

describe("listServiceOfferings visibility", () => {
	let pub: Obj;
	let forD1: Obj;
	let forSub: Obj;
	let forD2: Obj;
	beforeAll(async () => {
		pub = await create();
		forD1 = await create({ domainid: world.d1 });
		forSub = await create({ domainid: world.sub });
		forD2 = await create({ domainid: world.d2 });
	});

	it("shows root and read-only admins every offering", async () => {
		for (const admin of [world.root, world.readOnly]) {
			expect(await visibleIds(admin)).toEqual(expect.arrayContaining([pub.id, forD1.id, forSub.id, forD2.id]));
		}
	});

	it("shows a user public offerings and those of its own domain, not of sub-domains or other domains", async () => {
		const ids = await visibleIds(world.alice);
		expect(ids).toEqual(expect.arrayContaining([pub.id, forD1.id]));
		expect(ids).not.toContain(forSub.id);
		expect(ids).not.toContain(forD2.id);
	});

	it("shows a user in a sub-domain its parent domain's offerings", async () => {
		const ids = await visibleIds(subUser);
		expect(ids).toEqual(expect.arrayContaining([pub.id, forD1.id, forSub.id]));
		expect(ids).not.toContain(forD2.id);
	});

	it("shows a user of another domain only public offerings and its own", async () => {
		const ids = await visibleIds(world.carol);
		expect(ids).toEqual(expect.arrayContaining([pub.id, forD2.id]));
		expect(ids).not.toContain(forD1.id);
		expect(ids).not.toContain(forSub.id);
	});

	it("shows domain and resource admins their domain, its parents and their sub-domains", async () => {
		for (const admin of [world.domainAdmin, world.resourceAdmin]) {
			const ids = await visibleIds(admin);
			expect(ids).toEqual(expect.arrayContaining([pub.id, forD1.id, forSub.id]));
			expect(ids).not.toContain(forD2.id);
		}
	});

	it("hides a restricted offering even when asked for by id", async () => {
		expect(await list(world.carol, { id: forD1.id })).toEqual([]);
		expect(
			ok(await call(world.carol, { command: "listServiceOfferings", id: forD1.id }), "listServiceOfferings"),
		).toEqual({});
	});

	it("filters by domainid: the offerings restricted to that domain", async () => {
		const d1 = await visibleIds(world.root, { domainid: world.d1 });
		expect(d1).toContain(forD1.id);
		for (const other of [pub, forSub, forD2]) expect(d1).not.toContain(other.id);
		expect(await visibleIds(world.domainAdmin, { domainid: world.sub })).toEqual([forSub.id]);
	});

	it("refuses domainid of a domain the caller cannot access with 531", async () => {
		expectDenied(
			await call(world.alice, { command: "listServiceOfferings", domainid: world.d2 }),
			"listServiceOfferings",
		);
	});
});

describe("listServiceOfferings filters and paging", () => {
	let fixed2: Obj;
	let fixed4: Obj;
	let custom: Obj;
	let bounded: Obj;
	let inZoneA: Obj;
	let local: Obj;
	const tag = unique("flt");
	beforeAll(async () => {
		fixed2 = await create({ name: `${tag}-fixed2`, cpunumber: "2", memory: "2048", cpuspeed: "1500" });
		fixed4 = await create({ name: `${tag}-fixed4`, cpunumber: "4", memory: "4096", displaytext: `${tag} Quad` });
		custom = await create({ name: `${tag}-custom`, cpunumber: "", memory: "", cpuspeed: "" });
		bounded = await create({
			name: `${tag}-bounded`,
			cpunumber: "",
			memory: "",
			mincpunumber: "1",
			maxcpunumber: "3",
			minmemory: "512",
			maxmemory: "3072",
		});
		inZoneA = await create({ name: `${tag}-zonea`, zoneid: zoneA.id });
		local = await create({ name: `${tag}-local`, storagetype: "local" });
	});
	const ids = (params: Params) => visibleIds(world.root, { keyword: tag, ...params });

	it("matches keyword against name and display text, case-insensitively", async () => {
		expect((await ids({})).length).toBe(6);
		expect(await visibleIds(world.root, { keyword: `${tag} QUAD`.toLowerCase() })).toEqual([fixed4.id]);
	});

	it("matches name exactly, case-insensitively", async () => {
		expect(await visibleIds(world.root, { name: `${tag}-FIXED4` })).toEqual([fixed4.id]);
	});

	it("filters by cpunumber: fixed offerings with that count, customized ones whose bounds allow it", async () => {
		expect((await ids({ cpunumber: "4" })).sort()).toEqual([fixed4.id, custom.id].sort());
		expect((await ids({ cpunumber: "2" })).sort()).toEqual(
			[fixed2.id, custom.id, bounded.id, inZoneA.id, local.id].sort(),
		);
	});

	it("filters by memory the same way", async () => {
		expect((await ids({ memory: "3072" })).sort()).toEqual([custom.id, bounded.id].sort());
	});

	it("filters by cpuspeed (customized offerings without a speed match any)", async () => {
		expect((await ids({ cpuspeed: "1500" })).sort()).toEqual([fixed2.id, custom.id].sort());
	});

	it("filters by zone: offerings of that zone and of every zone", async () => {
		const a = await ids({ zoneid: zoneA.id });
		expect(a).toContain(inZoneA.id);
		expect(a).toContain(fixed2.id);
		const b = await ids({ zoneid: zoneB.id });
		expect(b).not.toContain(inZoneA.id);
		expect(b).toContain(fixed2.id);
	});

	it("filters by storage type", async () => {
		expect(await ids({ storagetype: "local" })).toEqual([local.id]);
		expectParamError(
			await call(world.root, { command: "listServiceOfferings", storagetype: "tape" }),
			"listServiceOfferings",
			/Invalid storage type tape/,
		);
	});

	it("filters by ids", async () => {
		expect((await visibleIds(world.root, { ids: `${fixed2.id},${local.id}` })).sort()).toEqual(
			[fixed2.id, local.id].sort(),
		);
	});

	it("filters by resource tags", async () => {
		await env.DB.prepare(
			"INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created) VALUES (?, 'tier', 'gold', 'ServiceOffering', ?, ?, ?, ?)",
		)
			.bind(crypto.randomUUID(), fixed4.id, world.root.accountId, world.root.domainId, Date.now())
			.run();
		expect(await visibleIds(world.root, { "tags[0].key": "tier", "tags[0].value": "gold" })).toEqual([fixed4.id]);
		expect(await visibleIds(world.root, { "tags[0].key": "tier", "tags[0].value": "silver" })).toEqual([]);
	});

	it("answers issystem=true with no offerings for admins and 431 for others", async () => {
		expect(await list(world.root, { issystem: "true" })).toEqual([]);
		expect((await ids({ issystem: "false" })).length).toBe(6);
		expectParamError(
			await call(world.alice, { command: "listServiceOfferings", issystem: "true" }),
			"listServiceOfferings",
			/Only ROOT admins can access system's offering/,
		);
	});

	it("pages with count = total matches, ordered by sortkey then creation", async () => {
		const all = await ids({});
		expect(all).toEqual([fixed2.id, fixed4.id, custom.id, bounded.id, inZoneA.id, local.id]);
		const page2 = ok(
			await call(world.root, { command: "listServiceOfferings", keyword: tag, pagesize: "4", page: "2" }),
			"listServiceOfferings",
		);
		expect(page2.count).toBe(6);
		expect(page2.serviceoffering.map((o: Obj) => o.id)).toEqual([inZoneA.id, local.id]);
		const past = ok(
			await call(world.root, { command: "listServiceOfferings", keyword: tag, pagesize: "4", page: "3" }),
			"listServiceOfferings",
		);
		expect(past).toEqual({ count: 6 });
		ok(
			await call(world.root, { command: "updateServiceOffering", id: local.id, sortkey: "-1" }),
			"updateServiceOffering",
		);
		expect((await ids({}))[0]).toBe(local.id);
	});

	it("answers no matches with an empty envelope", async () => {
		const body = ok(
			await call(world.root, { command: "listServiceOfferings", keyword: "no-such-offering-anywhere" }),
			"listServiceOfferings",
		);
		expect(body).toEqual({});
	});
});

describe("updateServiceOffering", () => {
	it("changes name, display text, tags and sort key, and writes SERVICE.OFFERING.EDIT", async () => {
		const offering = await create({ tags: "old", hosttags: "old" });
		const name = unique("renamed-");
		const body = ok(
			await call(world.root, {
				command: "updateServiceOffering",
				id: offering.id,
				name,
				displaytext: "New text",
				storagetags: "ssd,fast",
				hosttags: "avx",
				sortkey: "7",
			}),
			"updateServiceOffering",
		);
		expect(body.serviceoffering).toMatchObject({
			id: offering.id,
			name,
			displaytext: "New text",
			storagetags: "ssd,fast",
			hosttags: "avx",
			cpunumber: 2,
		});
		const [listed] = await list(world.root, { id: offering.id });
		expect(listed).toEqual(body.serviceoffering);
		const [event] = await eventsFor("SERVICE.OFFERING.EDIT", offering.id);
		expect(event.resourcename).toBe(name);
	});

	it("clears tags with an empty value", async () => {
		const offering = await create({ tags: "ssd" });
		const body = ok(
			await call(world.root, { command: "updateServiceOffering", id: offering.id, storagetags: "" }),
			"updateServiceOffering",
		);
		expect(body.serviceoffering.storagetags).toBeUndefined();
	});

	it("restricts and un-restricts domains and zones (public / all)", async () => {
		const offering = await create();
		const restricted = ok(
			await call(world.root, {
				command: "updateServiceOffering",
				id: offering.id,
				domainid: world.d2,
				zoneid: zoneB.id,
			}),
			"updateServiceOffering",
		).serviceoffering;
		expect(restricted).toMatchObject({ domainid: world.d2, domain: "d2", zoneid: zoneB.id, zone: zoneB.name });
		expect(await visibleIds(world.alice)).not.toContain(offering.id);
		const open = ok(
			await call(world.root, { command: "updateServiceOffering", id: offering.id, domainid: "public", zoneid: "all" }),
			"updateServiceOffering",
		).serviceoffering;
		expect(open.domainid).toBeUndefined();
		expect(open.zoneid).toBeUndefined();
		expect(await visibleIds(world.alice)).toContain(offering.id);
	});

	it("deactivates: Inactive offerings are hidden unless state=Inactive or state=all", async () => {
		const offering = await create();
		const body = ok(
			await call(world.root, { command: "updateServiceOffering", id: offering.id, state: "inactive" }),
			"updateServiceOffering",
		);
		expect(body.serviceoffering.state).toBe("Inactive");
		expect(await visibleIds(world.root)).not.toContain(offering.id);
		expect(await visibleIds(world.root, { state: "Inactive" })).toContain(offering.id);
		expect(await visibleIds(world.root, { state: "all" })).toContain(offering.id);
		expect(await visibleIds(world.root, { state: "Inactive" })).not.toContain((await create()).id);
		ok(
			await call(world.root, { command: "updateServiceOffering", id: offering.id, state: "Active" }),
			"updateServiceOffering",
		);
		expect(await visibleIds(world.root)).toContain(offering.id);
	});

	it("refuses a bad state, an unknown domain or zone, and an unknown offering with 431", async () => {
		const offering = await create();
		const update = (params: Params) =>
			call(world.root, { command: "updateServiceOffering", id: offering.id, ...params });
		expectParamError(await update({ state: "Retired" }), "updateServiceOffering", /Invalid state Retired/);
		expectParamError(
			await update({ domainid: "44444444-4444-4444-8444-444444444444" }),
			"updateServiceOffering",
			/Invalid parameter domainid/,
		);
		expectParamError(await update({ zoneid: "nope" }), "updateServiceOffering", /Invalid parameter zoneid value=nope/);
		expectParamError(await update({ name: " " }), "updateServiceOffering", /must not be empty/);
		expectParamError(
			await call(world.root, { command: "updateServiceOffering", id: "55555555-5555-4555-8555-555555555555" }),
			"updateServiceOffering",
			/Invalid parameter id value=55555555-5555-4555-8555-555555555555/,
		);
		const [unchanged] = await list(world.root, { id: offering.id });
		expect(unchanged).toEqual(offering);
	});
});

describe("deleteServiceOffering", () => {
	it("removes an unused offering: gone from every list, SERVICE.OFFERING.DELETE written", async () => {
		const offering = await create();
		const result = await call(world.root, { command: "deleteServiceOffering", id: offering.id });
		expect(ok(result, "deleteServiceOffering")).toEqual({ success: true });
		expect(await list(world.root, { id: offering.id, state: "all" })).toEqual([]);
		const [event] = await eventsFor("SERVICE.OFFERING.DELETE", offering.id);
		expect(event.description).toContain("deleted");
	});

	it("refuses a deleted or unknown offering with 431 (delete and update alike)", async () => {
		const offering = await create();
		ok(await call(world.root, { command: "deleteServiceOffering", id: offering.id }), "deleteServiceOffering");
		expectParamError(
			await call(world.root, { command: "deleteServiceOffering", id: offering.id }),
			"deleteServiceOffering",
			/Invalid parameter id/,
		);
		expectParamError(
			await call(world.root, { command: "updateServiceOffering", id: offering.id, name: "back" }),
			"updateServiceOffering",
			/Invalid parameter id/,
		);
		expectParamError(
			await call(world.root, { command: "deleteServiceOffering" }),
			"deleteServiceOffering",
			/missing parameter id/,
		);
	});
});

describe("a domain admin whose role allows the offering commands", () => {
	let offeringAdmin: Actor;
	beforeAll(async () => {
		// A custom DomainAdmin role with allow rules, inserted straight into D1 (no createRole yet).
		const roleId = crypto.randomUUID();
		await env.DB.batch([
			env.DB.prepare(
				"INSERT INTO roles (id, name, type, description, is_default, is_public, created) VALUES (?, 'Offering Admin', 'DomainAdmin', '', 0, 1, ?)",
			).bind(roleId, Date.now()),
			env.DB.prepare(
				"INSERT INTO role_permissions (id, role_id, rule, permission, description, sort_order) VALUES (?, ?, '*ServiceOffering', 'allow', '', 0)",
			).bind(crypto.randomUUID(), roleId),
		]);
		offeringAdmin = await createActor(world, world.d1, { roleid: roleId });
	});

	it("creates, updates and deletes offerings restricted to its own subtree", async () => {
		const offering = await create({ domainid: world.sub }, offeringAdmin);
		expect(offering.domainid).toBe(world.sub);
		const updated = ok(
			await call(offeringAdmin, { command: "updateServiceOffering", id: offering.id, domainid: world.d1 }),
			"updateServiceOffering",
		).serviceoffering;
		expect(updated.domainid).toBe(world.d1);
		ok(await call(offeringAdmin, { command: "deleteServiceOffering", id: offering.id }), "deleteServiceOffering");
	});

	it("may not create a public offering or one for another domain", async () => {
		const attempt = (params: Params) =>
			call(offeringAdmin, {
				command: "createServiceOffering",
				name: unique("da-"),
				cpunumber: "1",
				memory: "512",
				...params,
			});
		expectParamError(await attempt({}), "createServiceOffering", /Unable to create public service offering by admin/);
		expectParamError(
			await attempt({ domainid: `${world.d1},${world.d2}` }),
			"createServiceOffering",
			new RegExp(`Unable to create service offering by another domain-admin: .* for domain: ${world.d2}`),
		);
	});

	it("may not touch public offerings or make its own public", async () => {
		const pub = await create();
		expectParamError(
			await call(offeringAdmin, { command: "updateServiceOffering", id: pub.id, name: "mine" }),
			"updateServiceOffering",
			/Unable to update public service offering/,
		);
		expectParamError(
			await call(offeringAdmin, { command: "deleteServiceOffering", id: pub.id }),
			"deleteServiceOffering",
			/Unable to delete public service offering/,
		);
		const own = await create({ domainid: world.d1 }, offeringAdmin);
		expectParamError(
			await call(offeringAdmin, { command: "updateServiceOffering", id: own.id, domainid: "public" }),
			"updateServiceOffering",
			/Unable to update public service offering/,
		);
		expect((await list(world.root, { id: pub.id }))[0].name).toBe(pub.name);
		expect((await list(world.root, { id: own.id }))[0].domainid).toBe(world.d1);
	});
});

const matrix: Record<string, CommandMatrix> = {
	createServiceOffering: {
		RootAdmin: [
			{
				scenario: "creates a public offering",
				expect: "allowed",
				run: (_w, a) =>
					call(a, { command: "createServiceOffering", name: unique("m-"), cpunumber: "1", memory: "512" }),
				verify: async (w, r) => {
					const id = r.body.createserviceofferingresponse.serviceoffering.id;
					expect(await visibleIds(w.alice)).toContain(id);
				},
			},
		],
		ResourceAdmin: [unavailable("createServiceOffering", { name: "x", cpunumber: "1", memory: "512" })],
		DomainAdmin: [
			unavailable("createServiceOffering", {
				name: "x",
				cpunumber: "1",
				memory: "512",
				domainid: "00000000-0000-4000-8000-000000000000",
			}),
		],
		User: [unavailable("createServiceOffering", { name: "x", cpunumber: "1", memory: "512" })],
		ReadOnlyAdmin: [unavailable("createServiceOffering", { name: "x", cpunumber: "1", memory: "512" })],
	},
	listServiceOfferings: {
		RootAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listServiceOfferings" }) }],
		ResourceAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listServiceOfferings" }) }],
		DomainAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listServiceOfferings" }) }],
		User: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listServiceOfferings" }) }],
		ReadOnlyAdmin: [{ expect: "allowed", run: (_w, a) => call(a, { command: "listServiceOfferings" }) }],
	},
	updateServiceOffering: {
		RootAdmin: [
			{
				scenario: "renames an offering",
				expect: "allowed",
				run: async (_w, a) => call(a, { command: "updateServiceOffering", id: (await create()).id, name: "renamed" }),
				verify: (_w, r) => expect(r.body.updateserviceofferingresponse.serviceoffering.name).toBe("renamed"),
			},
		],
		ResourceAdmin: [unavailable("updateServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		DomainAdmin: [unavailable("updateServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		User: [unavailable("updateServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		ReadOnlyAdmin: [unavailable("updateServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
	},
	deleteServiceOffering: {
		RootAdmin: [
			{
				scenario: "deletes an offering",
				expect: "allowed",
				run: async (_w, a) => call(a, { command: "deleteServiceOffering", id: (await create()).id }),
			},
		],
		ResourceAdmin: [unavailable("deleteServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		DomainAdmin: [unavailable("deleteServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		User: [unavailable("deleteServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
		ReadOnlyAdmin: [unavailable("deleteServiceOffering", { id: "00000000-0000-4000-8000-000000000000" })],
	},
};

describeMatrix("service offering commands × roles", () => world, matrix);
