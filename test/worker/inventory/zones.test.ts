/**
 * Zone commands (createZone, listZones, updateZone, deleteZone, listZonesMetrics): CloudStack's
 * semantics and wording, the restricted view non-admins get, the refusals, events, paging and the
 * five-role access matrix. Rows other commands own (clusters, hosts, pools, stores, networks) are
 * inserted straight into D1 where a test needs them.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import {
	clusters,
	hosts,
	imageStores,
	networks,
	resourceTags,
	storagePools,
	zones,
} from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectParamError,
	listItems,
	ok,
	runJob,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createPod, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
let world: World;
/** An enabled public zone and a disabled one, for the views and the matrix. */
let enabledZone: Obj;
let disabledZone: Obj;

beforeAll(async () => {
	world = await buildWorld();
	enabledZone = await createZone(world, { allocationstate: "Enabled" });
	disabledZone = await createZone(world);
});

const RESTRICTED_HIDDEN = ["dns1", "dns2", "ip6dns1", "ip6dns2", "internaldns1", "internaldns2", "guestcidraddress"];

async function zonesAs(actor: Actor, params: Params = {}): Promise<Obj[]> {
	return listItems(actor, "listZones", "zone", params);
}

async function zoneById(id: string): Promise<Obj | undefined> {
	return (await zonesAs(world.root, { id }))[0];
}

async function eventsFor(type: string, resourceId: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid: resourceId, listall: "true" });
}

const zoneParams = (extra: Params = {}): Params => ({
	command: "createZone",
	name: unique("zone-"),
	networktype: "Basic",
	dns1: "8.8.8.8",
	internaldns1: "10.0.0.2",
	...extra,
});

async function tagZone(zoneId: string, key: string, value: string): Promise<void> {
	await runJob(world.root, {
		command: "createTags",
		resourcetype: "Zone",
		resourceids: zoneId,
		"tags[0].key": key,
		"tags[0].value": value,
	});
}

describe("createZone", () => {
	it("creates a Basic zone with CloudStack's defaults and its default shared guest network", async () => {
		const name = unique("basic-");
		const zone = ok(await call(world.root, zoneParams({ name })), "createZone").zone;
		expect(zone).toMatchObject({
			name,
			networktype: "Basic",
			dns1: "8.8.8.8",
			internaldns1: "10.0.0.2",
			allocationstate: "Disabled",
			securitygroupsenabled: true,
			localstorageenabled: false,
			dhcpprovider: "VirtualRouter",
			type: "Core",
			tags: [],
		});
		expect(zone.id).toMatch(/^[0-9a-f-]{36}$/);
		for (const absent of ["dns2", "guestcidraddress", "domainid", "domain"]) expect(zone).not.toHaveProperty(absent);
		expect(await zoneById(zone.id)).toEqual(zone);
		const [network, ...more] = await db.select().from(networks).where(eq(networks.zoneId, zone.id));
		expect(more).toEqual([]);
		expect(network).toMatchObject({ guestType: "Shared", trafficType: "Guest", isDefault: true, zoneId: zone.id });
	});

	it("creates an Advanced zone with every optional field, normalising case-insensitive values", async () => {
		const name = unique("adv-");
		const zone = ok(
			await call(
				world.root,
				zoneParams({
					name,
					networktype: "advanced",
					dns2: "8.8.4.4",
					internaldns2: "10.0.0.3",
					ip6dns1: "2001:db8::53",
					ip6dns2: "2001:db8::54",
					guestcidraddress: "10.1.0.0/16",
					domain: "cloud.example.com",
					domainid: world.d1,
					allocationstate: "enabled",
					localstorageenabled: "true",
					securitygroupenabled: "false",
				}),
			),
			"createZone",
		).zone;
		expect(zone).toMatchObject({
			name,
			networktype: "Advanced",
			dns2: "8.8.4.4",
			internaldns2: "10.0.0.3",
			ip6dns1: "2001:db8::53",
			ip6dns2: "2001:db8::54",
			guestcidraddress: "10.1.0.0/16",
			domain: "cloud.example.com",
			domainid: world.d1,
			domainname: "d1",
			allocationstate: "Enabled",
			localstorageenabled: true,
			securitygroupsenabled: false,
		});
		expect(await db.select().from(networks).where(eq(networks.zoneId, zone.id))).toEqual([]);
	});

	it("writes a ZONE.CREATE event", async () => {
		const zone = await createZone(world);
		const [event] = await eventsFor("ZONE.CREATE", zone.id);
		expect(event).toMatchObject({ type: "ZONE.CREATE", level: "INFO", resourcetype: "Zone", username: "admin" });
	});

	it("refuses a name another zone has, ignoring case", async () => {
		const result = await call(world.root, zoneParams({ name: enabledZone.name.toUpperCase() }));
		expectParamError(
			result,
			"createZone",
			/^A zone with that name already exists\. Please specify a unique zone name\.$/,
		);
	});

	it.each([
		["networktype", { networktype: "Hybrid" }, /^Invalid zone type; only Advanced and Basic values are supported$/],
		["dns1", { dns1: "8.8.8" }, /^Please enter a valid IP address for DNS1$/],
		["dns2", { dns2: "300.1.1.1" }, /^Please enter a valid IP address for DNS2$/],
		["internaldns1", { internaldns1: "dns.local" }, /^Please enter a valid IP address for internal DNS1$/],
		["internaldns2", { internaldns2: "10.0.0" }, /^Please enter a valid IP address for internal DNS2$/],
		["ip6dns1", { ip6dns1: "2001:db8::zz" }, /^Please enter a valid IPv6 address for IP6 DNS1$/],
		["ip6dns2", { ip6dns2: "10.0.0.1" }, /^Please enter a valid IPv6 address for IP6 DNS2$/],
		["an invalid guest CIDR", { networktype: "Advanced", guestcidraddress: "10.0.0.0/33" }, /valid guest cidr/],
		["a public guest CIDR", { networktype: "Advanced", guestcidraddress: "8.8.8.0/24" }, /valid guest cidr/],
		["a guest CIDR on a Basic zone", { guestcidraddress: "10.1.0.0/16" }, /only for Advanced zones/],
		["domain", { domain: "-bad-.example" }, /^Invalid network domain/],
		["domainid", { domainid: "6f1c0c1e-8d4f-4c59-9d8e-000000000000" }, /^Invalid parameter domainid value=/],
		["allocationstate", { allocationstate: "Sleeping" }, /^Unable to resolve Allocation State 'Sleeping'/],
		["an edge Basic zone", { isedge: "true" }, /edge zone must have networktype Advanced/],
	])("refuses %s with 431 and creates nothing", async (_what, extra, text) => {
		const params = zoneParams(extra);
		expectParamError(await call(world.root, params), "createZone", text);
		expect(await zonesAs(world.root, { name: params.name ?? "" })).toEqual([]);
	});

	it.each(["name", "networktype", "dns1", "internaldns1"])("requires %s", async (missing) => {
		const params = zoneParams();
		delete params[missing];
		expectParamError(await call(world.root, params), "createZone", new RegExp(`missing parameter ${missing}`));
	});
});

describe("listZones", () => {
	it("answers CloudStack's list envelope, and {} when nothing matches", async () => {
		const result = await call(world.root, { command: "listZones", id: enabledZone.id });
		expect(Object.keys(result.body.listzonesresponse).sort()).toEqual(["count", "zone"]);
		expect(result.body.listzonesresponse.count).toBe(1);
		const empty = await call(world.root, { command: "listZones", name: "no-such-zone" });
		expect(empty.body).toEqual({ listzonesresponse: {} });
	});

	it("answers XML with the same envelope", async () => {
		const result = await call(world.root, { command: "listZones", id: enabledZone.id, response: "xml" });
		expect(result.status).toBe(200);
		expect(result.text).toContain("<listzonesresponse");
		expect(result.text).toContain(`<zone><id>${enabledZone.id}</id>`);
		expect(result.text).toContain("<count>1</count>");
	});

	it("pages in creation order with count = all matches, and filters by keyword", async () => {
		const tag = unique("paged");
		const made = [];
		for (let i = 0; i < 3; i++) made.push(await createZone(world, { name: `${tag}-${i}` }));
		const first = ok(
			await call(world.root, { command: "listZones", keyword: tag, pagesize: "2", page: "1" }),
			"listZones",
		);
		const second = ok(
			await call(world.root, { command: "listZones", keyword: tag, pagesize: "2", page: "2" }),
			"listZones",
		);
		expect(first.count).toBe(3);
		expect(second.count).toBe(3);
		expect([...first.zone, ...second.zone].map((z: Obj) => z.id)).toEqual(made.map((z) => z.id));
	});

	it("filters by ids, name (ignoring case), networktype and domainid", async () => {
		const advanced = await createZone(world, { networktype: "Advanced", domainid: world.d2 });
		const ids = await zonesAs(world.root, { ids: `${enabledZone.id},${advanced.id}` });
		expect(ids.map((z) => z.id).sort()).toEqual([enabledZone.id, advanced.id].sort());
		expect((await zonesAs(world.root, { name: advanced.name.toUpperCase() })).map((z) => z.id)).toEqual([advanced.id]);
		const advancedOnes = await zonesAs(world.root, { networktype: "ADVANCED" });
		expect(advancedOnes.map((z) => z.id)).toContain(advanced.id);
		expect(advancedOnes.every((z) => z.networktype === "Advanced")).toBe(true);
		expect((await zonesAs(world.root, { domainid: world.d2 })).map((z) => z.id)).toEqual([advanced.id]);
	});

	it("refuses an ids entry that is not a UUID", async () => {
		expectParamError(
			await call(world.root, { command: "listZones", ids: "not-a-uuid" }),
			"listZones",
			/ids value=not-a-uuid/,
		);
	});

	it("filters by tags and embeds each zone's tags", async () => {
		const tagged = await createZone(world);
		const key = unique("rack");
		await tagZone(tagged.id, key, "blue");
		const found = await zonesAs(world.root, { "tags[0].key": key, "tags[0].value": "blue" });
		expect(found.map((z) => z.id)).toEqual([tagged.id]);
		expect(found[0].tags).toEqual([
			expect.objectContaining({ key, value: "blue", resourcetype: "Zone", resourceid: tagged.id }),
		]);
		expect(await zonesAs(world.root, { "tags[0].key": key, "tags[0].value": "red" })).toEqual([]);
	});

	it("shows capacity[] only with showcapacities=true and only in the admin view", async () => {
		const [plain] = await zonesAs(world.root, { id: enabledZone.id });
		expect(plain).not.toHaveProperty("capacity");
		const [withCapacity] = await zonesAs(world.root, { id: enabledZone.id, showcapacities: "true" });
		expect(withCapacity.capacity).toEqual(
			expect.arrayContaining([expect.objectContaining({ type: 2, name: "STORAGE", capacitytotal: 0 })]),
		);
		const [asUser] = await zonesAs(world.alice, { id: enabledZone.id, showcapacities: "true" });
		expect(asUser.id).toBe(enabledZone.id);
		expect(asUser).not.toHaveProperty("capacity");
	});

	it("answers available=false with nothing: no instance exists in any zone yet", async () => {
		const result = await call(world.root, { command: "listZones", available: "false" });
		expect(result.body).toEqual({ listzonesresponse: {} });
		expect((await zonesAs(world.root, { available: "true" })).length).toBeGreaterThan(0);
	});

	it("orders by sortkey before creation", async () => {
		const tag = unique("sorted");
		const a = await createZone(world, { name: `${tag}-a` });
		const b = await createZone(world, { name: `${tag}-b` });
		ok(await call(world.root, { command: "updateZone", id: a.id, sortkey: "5" }), "updateZone");
		expect((await zonesAs(world.root, { keyword: tag })).map((z) => z.id)).toEqual([b.id, a.id]);
	});

	it("shows users only enabled zones, public or dedicated to their domain or above, in the restricted view", async () => {
		const mine = await createZone(world, { allocationstate: "Enabled", domainid: world.d1 });
		const foreign = await createZone(world, { allocationstate: "Enabled", domainid: world.d2 });
		const below = await createZone(world, { allocationstate: "Enabled", domainid: world.sub });
		const seen = await zonesAs(world.alice);
		const ids = seen.map((z) => z.id);
		expect(ids).toEqual(expect.arrayContaining([enabledZone.id, mine.id]));
		for (const hidden of [disabledZone.id, foreign.id, below.id]) expect(ids).not.toContain(hidden);
		expect(seen.every((z) => z.allocationstate === "Enabled")).toBe(true);
		for (const zone of seen) for (const field of RESTRICTED_HIDDEN) expect(zone).not.toHaveProperty(field);
		expect(seen.find((z) => z.id === enabledZone.id)).toMatchObject({
			id: enabledZone.id,
			name: enabledZone.name,
			networktype: "Basic",
			securitygroupsenabled: true,
			allocationstate: "Enabled",
		});
		// Not even by id: a disabled zone does not exist for a user.
		expect(await zonesAs(world.alice, { id: disabledZone.id })).toEqual([]);
		// A domain admin also sees zones dedicated inside its subtree.
		const adminIds = (await zonesAs(world.domainAdmin)).map((z) => z.id);
		expect(adminIds).toEqual(expect.arrayContaining([mine.id, below.id]));
		expect(adminIds).not.toContain(foreign.id);
	});
});

describe("updateZone", () => {
	it("changes the given fields, keeps the rest, and writes ZONE.EDIT", async () => {
		const zone = await createZone(world, { dns2: "8.8.4.4", networktype: "Advanced" });
		const name = unique("renamed-");
		const updated = ok(
			await call(world.root, {
				command: "updateZone",
				id: zone.id,
				name,
				dns1: "1.1.1.1",
				dns2: "",
				internaldns2: "10.0.0.9",
				ip6dns1: "2001:db8::1",
				guestcidraddress: "192.168.0.0/20",
				domain: "zone.example.org",
				allocationstate: "Enabled",
				localstorageenabled: "true",
				"details[0].key": "ignored",
				"details[0].value": "yes",
			}),
			"updateZone",
		).zone;
		expect(updated).toMatchObject({
			id: zone.id,
			name,
			dns1: "1.1.1.1",
			internaldns1: "10.0.0.2",
			internaldns2: "10.0.0.9",
			ip6dns1: "2001:db8::1",
			guestcidraddress: "192.168.0.0/20",
			domain: "zone.example.org",
			allocationstate: "Enabled",
			localstorageenabled: true,
			networktype: "Advanced",
		});
		expect(updated).not.toHaveProperty("dns2");
		expect(await zoneById(zone.id)).toEqual(updated);
		expect((await eventsFor("ZONE.EDIT", zone.id))[0]).toMatchObject({ resourcename: name, resourcetype: "Zone" });
	});

	it("lets a zone keep its own name in another case, but not take another zone's", async () => {
		const zone = await createZone(world);
		ok(await call(world.root, { command: "updateZone", id: zone.id, name: zone.name.toUpperCase() }), "updateZone");
		const clash = await call(world.root, { command: "updateZone", id: zone.id, name: enabledZone.name });
		expectParamError(clash, "updateZone", /^A zone with that name already exists/);
		expect((await zoneById(zone.id)).name).toBe(zone.name.toUpperCase());
	});

	it.each([
		[{ dns1: "not-an-ip" }, /valid IP address for DNS1/],
		[{ dns1: "" }, /valid IP address for DNS1/],
		[{ guestcidraddress: "10.0.0.0/8" }, /only for Advanced zones/],
		[{ allocationstate: "Maybe" }, /Allocation State 'Maybe'/],
	])("refuses %o with 431 and changes nothing", async (extra, text) => {
		const zone = await createZone(world);
		expectParamError(await call(world.root, { command: "updateZone", id: zone.id, ...extra }), "updateZone", text);
		expect(await zoneById(zone.id)).toEqual(zone);
	});

	it("answers 431 for an unknown zone", async () => {
		const id = crypto.randomUUID();
		expectParamError(
			await call(world.root, { command: "updateZone", id, name: "x" }),
			"updateZone",
			/^Invalid parameter id value=/,
		);
	});
});

describe("deleteZone", () => {
	it("deletes an empty Basic zone with its default network and tags, and writes ZONE.DELETE", async () => {
		const zone = await createZone(world);
		await tagZone(zone.id, "owner", "ops");
		const result = await call(world.root, { command: "deleteZone", id: zone.id });
		expect(result.body).toEqual({ deletezoneresponse: { success: true } });
		expect(await zoneById(zone.id)).toBeUndefined();
		expect(await db.select().from(networks).where(eq(networks.zoneId, zone.id))).toEqual([]);
		const tags = await db
			.select()
			.from(resourceTags)
			.where(and(eq(resourceTags.resourceType, "Zone"), eq(resourceTags.resourceId, zone.id)));
		expect(tags).toEqual([]);
		expect((await eventsFor("ZONE.DELETE", zone.id))[0]).toMatchObject({ resourcename: zone.name });
	});

	it("refuses with 536 while the zone has pods, pools, image stores or other networks, naming them", async () => {
		const zone = await createZone(world);
		const pod = await createPod(world, zone.id);
		const now = Date.now();
		await db.insert(storagePools).values({
			id: crypto.randomUUID(),
			name: "pool-a",
			zoneId: zone.id,
			scope: "ZONE",
			type: "NetworkFilesystem",
			host: "nfs.example",
			path: "/export/a",
			url: "nfs://nfs.example/export/a",
			created: now,
		});
		await db.insert(imageStores).values({
			id: crypto.randomUUID(),
			name: "store-a",
			zoneId: zone.id,
			url: "nfs://nfs.example/sec",
			protocol: "nfs",
			provider: "NFS",
			scope: "ZONE",
			created: now,
		});
		const [base] = await db.select().from(networks).where(eq(networks.zoneId, zone.id));
		if (!base) throw new Error("a Basic zone has its default network");
		await db.insert(networks).values({ ...base, id: crypto.randomUUID(), name: "shared-b", isDefault: false });
		const result = await call(world.root, { command: "deleteZone", id: zone.id });
		expect(result.status, result.text).toBe(536);
		const error = result.body.deletezoneresponse;
		expect(error).toMatchObject({ errorcode: 536, cserrorcode: 4375 });
		expect(error.errortext).toBe(
			`The zone ${zone.name} cannot be deleted because it has 1 pod (${pod.name}), 1 primary storage pool (pool-a), 1 image store (store-a), 1 network (shared-b)`,
		);
		expect(await zoneById(zone.id)).toBeDefined();
		expect((await db.select().from(networks).where(eq(networks.zoneId, zone.id))).length).toBe(2);
	});

	it("answers 431 for an unknown zone", async () => {
		const result = await call(world.root, { command: "deleteZone", id: crypto.randomUUID() });
		expectParamError(result, "deleteZone", /^Invalid parameter id value=/);
	});
});

describe("listZonesMetrics", () => {
	it("reports an empty zone: no clusters, zero totals, no percentages", async () => {
		const zone = await createZone(world, { allocationstate: "Enabled" });
		const result = ok(await call(world.root, { command: "listZonesMetrics", id: zone.id }), "listZonesMetrics");
		expect(result.count).toBe(1);
		const [metrics] = result.zone;
		expect(metrics).toMatchObject({
			id: zone.id,
			name: zone.name,
			dns1: "8.8.8.8",
			state: "Enabled",
			clusters: "0 / 0",
			cputotal: "0.00 Ghz",
			memorytotal: "0.00 GB",
		});
		for (const absent of ["cpuallocated", "memoryallocated", "cpuused", "memoryused", "cputhreshold"]) {
			expect(metrics).not.toHaveProperty(absent);
		}
	});

	it("sums the hosts and counts healthy clusters", async () => {
		const zone = await createZone(world);
		const pod = await createPod(world, zone.id);
		const now = Date.now();
		const cluster = (name: string, allocationState: string, cpuOvercommitRatio = "1.0") => ({
			id: crypto.randomUUID(),
			zoneId: zone.id,
			podId: pod.id,
			name,
			hypervisor: "KVM",
			clusterType: "CloudManaged",
			allocationState,
			cpuOvercommitRatio,
			created: now,
		});
		const up = cluster("c-up", "Enabled");
		const down = cluster("c-down", "Disabled", "2.0");
		await db.insert(clusters).values([up, down]);
		const GiB = 1024 ** 3;
		const host = (clusterId: string, cpuNumber: number, cpuSpeed: number, cpuAllocated: number) => ({
			id: crypto.randomUUID(),
			name: unique("host-"),
			url: `sim://${unique("host-")}`,
			zoneId: zone.id,
			podId: pod.id,
			clusterId,
			state: "Up",
			cpuNumber,
			cpuSpeed,
			memoryTotal: 16 * GiB,
			memoryAllocated: 4 * GiB,
			cpuAllocated,
			created: now,
		});
		// CPU: 4×2000 MHz + 2×1000 MHz overcommitted ×2 = 12 GHz, 9.5 GHz of it allocated.
		await db.insert(hosts).values([host(up.id, 4, 2000, 7500), host(down.id, 2, 1000, 2000)]);
		const [metrics] = ok(await call(world.root, { command: "listZonesMetrics", id: zone.id }), "listZonesMetrics").zone;
		expect(metrics).toMatchObject({
			state: "Disabled",
			clusters: "1 / 2",
			cputotal: "12.00 Ghz",
			cpuallocated: "79.17%",
			cpuallocatedthreshold: true,
			cpuallocateddisablethreshold: false,
			memorytotal: "32.00 GB",
			memoryallocated: "25.00%",
			memoryallocatedthreshold: false,
			memoryallocateddisablethreshold: false,
			cputhreshold: false,
			memorythreshold: false,
		});
		// listZones showcapacities=true reports the same live figures (admin view).
		const [shown] = await zonesAs(world.root, { id: zone.id, showcapacities: "true" });
		expect(shown.capacity).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ type: 1, name: "CPU", capacitytotal: 12000, capacityused: 9500, zoneid: zone.id }),
				expect.objectContaining({ type: 0, name: "MEMORY", capacitytotal: 32 * GiB, zonename: zone.name }),
			]),
		);
		expect(await db.select().from(zones).where(eq(zones.id, zone.id))).toHaveLength(1);
	});

	it("takes the listZones filters and pages", async () => {
		const tag = unique("metric");
		await createZone(world, { name: `${tag}-1` });
		await createZone(world, { name: `${tag}-2` });
		const page = ok(
			await call(world.root, { command: "listZonesMetrics", keyword: tag, pagesize: "1" }),
			"listZonesMetrics",
		);
		expect(page.count).toBe(2);
		expect(page.zone).toHaveLength(1);
	});
});

// ---- the access matrix ------------------------------------------------------------------------

const fullView: Case = {
	scenario: "sees disabled zones in the full view",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listZones" }),
	verify: (_w, r) => {
		const items: Obj[] = r.body.listzonesresponse.zone;
		expect(items.map((z) => z.id)).toEqual(expect.arrayContaining([enabledZone.id, disabledZone.id]));
		expect(items.find((z) => z.id === disabledZone.id)).toMatchObject({ dns1: "8.8.8.8", internaldns1: "10.0.0.2" });
	},
};

const restrictedView: Case = {
	scenario: "sees only enabled zones, without DNS details",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listZones" }),
	verify: (_w, r) => {
		const items: Obj[] = r.body.listzonesresponse.zone;
		expect(items.map((z) => z.id)).toContain(enabledZone.id);
		expect(items.map((z) => z.id)).not.toContain(disabledZone.id);
		for (const zone of items) for (const field of RESTRICTED_HIDDEN) expect(zone).not.toHaveProperty(field);
	},
};

const createAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, zoneParams()),
	verify: async (_w, r) => expect(await zoneById(r.body.createzoneresponse.zone.id)).toBeDefined(),
};

function updateAllowed(): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (w, a) => {
			id = (await createZone(w)).id;
			return call(a, { command: "updateZone", id, allocationstate: "Enabled" });
		},
		verify: async () => expect((await zoneById(id)).allocationstate).toBe("Enabled"),
	};
}

function deleteAllowed(): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (w, a) => {
			id = (await createZone(w)).id;
			return call(a, { command: "deleteZone", id });
		},
		verify: async () => expect(await zoneById(id)).toBeUndefined(),
	};
}

const metricsAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listZonesMetrics", id: disabledZone.id }),
	verify: (_w, r) =>
		expect(r.body.listzonesmetricsresponse.zone[0]).toMatchObject({ id: disabledZone.id, clusters: "0 / 0" }),
};

const untouched = (command: string, params: () => Params): Case => ({
	...unavailable(command),
	run: (_w, a) => call(a, { command, ...params() }),
	verify: async () =>
		expect(await zoneById(disabledZone.id)).toMatchObject({ name: disabledZone.name, allocationstate: "Disabled" }),
});

const denied = (command: string, params: () => Params = () => ({})) => untouched(command, params);

const matrix: Record<string, CommandMatrix> = {
	createZone: {
		RootAdmin: [createAllowed],
		ReadOnlyAdmin: [unavailable("createZone", zoneParams())],
		DomainAdmin: [unavailable("createZone", zoneParams())],
		ResourceAdmin: [unavailable("createZone", zoneParams())],
		User: [unavailable("createZone", zoneParams())],
	},
	listZones: {
		RootAdmin: [fullView],
		ReadOnlyAdmin: [fullView],
		DomainAdmin: [restrictedView],
		ResourceAdmin: [restrictedView],
		User: [restrictedView],
	},
	updateZone: {
		RootAdmin: [updateAllowed()],
		ReadOnlyAdmin: [denied("updateZone", () => ({ id: disabledZone.id, allocationstate: "Enabled" }))],
		DomainAdmin: [denied("updateZone", () => ({ id: disabledZone.id, allocationstate: "Enabled" }))],
		ResourceAdmin: [denied("updateZone", () => ({ id: disabledZone.id, allocationstate: "Enabled" }))],
		User: [denied("updateZone", () => ({ id: disabledZone.id, allocationstate: "Enabled" }))],
	},
	deleteZone: {
		RootAdmin: [deleteAllowed()],
		ReadOnlyAdmin: [denied("deleteZone", () => ({ id: disabledZone.id }))],
		DomainAdmin: [denied("deleteZone", () => ({ id: disabledZone.id }))],
		ResourceAdmin: [denied("deleteZone", () => ({ id: disabledZone.id }))],
		User: [denied("deleteZone", () => ({ id: disabledZone.id }))],
	},
	listZonesMetrics: {
		RootAdmin: [metricsAllowed],
		ReadOnlyAdmin: [metricsAllowed],
		DomainAdmin: [unavailable("listZonesMetrics")],
		ResourceAdmin: [unavailable("listZonesMetrics")],
		User: [unavailable("listZonesMetrics")],
	},
};

describeMatrix("zone commands × roles", () => world, matrix);
