/**
 * Pod commands (createPod, listPods, updatePod, deletePod): the management-range rules with
 * CloudStack's wording, the refusals, events, paging and the five-role access matrix. Clusters and
 * guest IP ranges that block a delete are inserted straight into D1 (other helpers' commands).
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { clusters, networks, resourceTags, vlanIpRanges } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
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
let zone: Obj;
let otherZone: Obj;
/** A pod the matrix may read but never changes. */
let fixedPod: Obj;

beforeAll(async () => {
	world = await buildWorld();
	zone = await createZone(world);
	otherZone = await createZone(world);
	fixedPod = await createPod(world, zone.id);
});

let subnet = 0;
/** createPod parameters on a fresh 172.20.x.0/24 (gateway .1, range .10–.20) unless overridden. */
function podParams(zoneId: string, extra: Params = {}): Params {
	subnet += 1;
	const prefix = `172.20.${subnet}`;
	return {
		command: "createPod",
		zoneid: zoneId,
		name: unique("rack-"),
		gateway: `${prefix}.1`,
		netmask: "255.255.255.0",
		startip: `${prefix}.10`,
		endip: `${prefix}.20`,
		...extra,
	};
}

async function podById(id: string): Promise<Obj | undefined> {
	return (await listItems(world.root, "listPods", "pod", { id }))[0];
}

async function eventsFor(type: string, resourceId: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid: resourceId, listall: "true" });
}

describe("createPod", () => {
	it("creates a pod with CloudStack 4.22's response shape and writes POD.CREATE", async () => {
		const params = podParams(zone.id);
		const pod = ok(await call(world.root, params), "createPod").pod;
		const range = { startip: params.startip, endip: params.endip, forsystemvms: "0", vlanid: "vlan://untagged" };
		expect(pod).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name: params.name,
			zoneid: zone.id,
			zonename: zone.name,
			gateway: params.gateway,
			netmask: "255.255.255.0",
			ipranges: [range],
			startip: [params.startip],
			endip: [params.endip],
			forsystemvms: ["0"],
			vlanid: ["vlan://untagged"],
			allocationstate: "Enabled",
			hasannotations: false,
		});
		expect(await podById(pod.id)).toEqual(pod);
		expect((await eventsFor("POD.CREATE", pod.id))[0]).toMatchObject({
			resourcetype: "Pod",
			resourcename: params.name,
		});
	});

	it("runs the range to the subnet's last usable address when endip is left out", async () => {
		const params = podParams(zone.id, { gateway: "172.21.0.1", netmask: "255.255.255.0", startip: "172.21.0.100" });
		delete params.endip;
		const pod = ok(await call(world.root, params), "createPod").pod;
		expect(pod.endip).toEqual(["172.21.0.254"]);
	});

	it("takes allocationstate case-insensitively", async () => {
		const pod = ok(await call(world.root, podParams(zone.id, { allocationstate: "disabled" })), "createPod").pod;
		expect(pod.allocationstate).toBe("Disabled");
	});

	it("allows the same name and range in another zone", async () => {
		const params = podParams(otherZone.id, {
			name: fixedPod.name,
			gateway: fixedPod.gateway,
			startip: fixedPod.startip[0],
			endip: fixedPod.endip[0],
		});
		ok(await call(world.root, params), "createPod");
	});

	it.each([
		["a missing gateway", { gateway: "" }, /^The gateway is invalid$/],
		["a bad gateway", { gateway: "172.30.0.256" }, /^The gateway is invalid$/],
		["a non-contiguous netmask", { netmask: "255.0.255.0" }, /^The netmask is invalid$/],
		["a bad netmask", { netmask: "255.255.255" }, /^The netmask is invalid$/],
		["a missing startip", { startip: "" }, /specify startip/],
		["a bad startip", { startip: "172.30.0.x" }, /^The start address of the IP range is not a valid IP address\.$/],
		["a bad endip", { endip: "172.30.0.300" }, /^The end address of the IP range is not a valid IP address\.$/],
		[
			"a start outside the subnet",
			{ startip: "172.31.0.10" },
			/^The start address of the IP range is not in the CIDR subnet\.$/,
		],
		[
			"an end outside the subnet",
			{ endip: "172.31.0.20" },
			/^The end address of the IP range is not in the CIDR subnet\.$/,
		],
		["start after end", { startip: "172.30.0.30", endip: "172.30.0.20" }, /must have a lower value than the end IP/],
		[
			"the gateway inside the range",
			{ gateway: "172.30.0.15" },
			/^The gateway shouldn't overlap start\/end ip addresses$/,
		],
		["a bad allocationstate", { allocationstate: "Paused" }, /Allocation State 'Paused'/],
	])("refuses %s with 431 and creates nothing", async (_what, extra, text) => {
		const params: Params = {
			...podParams(zone.id, { gateway: "172.30.0.1", startip: "172.30.0.10", endip: "172.30.0.20" }),
			...extra,
		};
		expectParamError(await call(world.root, params), "createPod", text);
		expect(await listItems(world.root, "listPods", "pod", { name: params.name ?? "" })).toEqual([]);
	});

	it("refuses a range that overlaps another pod's in the zone, naming that pod", async () => {
		const params = podParams(zone.id, {
			gateway: fixedPod.gateway,
			startip: fixedPod.endip[0],
			endip: fixedPod.endip[0].replace(/\.\d+$/, ".99"),
		});
		expectParamError(
			await call(world.root, params),
			"createPod",
			new RegExp(
				`overlaps with the IP range ${fixedPod.startip[0]}-${fixedPod.endip[0]} of pod ${fixedPod.name} in zone`,
			),
		);
	});

	it("refuses a name the zone already has, ignoring case", async () => {
		const result = await call(world.root, podParams(zone.id, { name: fixedPod.name.toUpperCase() }));
		expectParamError(
			result,
			"createPod",
			new RegExp(`^A pod with name: ${fixedPod.name.toUpperCase()} already exists in zone`),
		);
	});

	it("answers 431 for an unknown zone", async () => {
		const result = await call(world.root, podParams(crypto.randomUUID()));
		expectParamError(result, "createPod", /^Invalid parameter zoneid value=/);
	});

	it.each(["name", "zoneid"])("requires %s", async (missing) => {
		const params = podParams(zone.id);
		delete params[missing];
		expectParamError(await call(world.root, params), "createPod", new RegExp(`missing parameter ${missing}`));
	});
});

describe("listPods", () => {
	it("pages in creation order with count = all matches, and filters by keyword and zone", async () => {
		const z = await createZone(world);
		const tag = unique("row");
		const made = [];
		for (let i = 0; i < 3; i++) made.push(await createPod(world, z.id, { name: `${tag}-${i}` }));
		const page1 = ok(await call(world.root, { command: "listPods", zoneid: z.id, pagesize: "2" }), "listPods");
		const page2 = ok(
			await call(world.root, { command: "listPods", zoneid: z.id, pagesize: "2", page: "2" }),
			"listPods",
		);
		expect(page1.count).toBe(3);
		expect([...page1.pod, ...page2.pod].map((p: Obj) => p.id)).toEqual(made.map((p) => p.id));
		const byKeyword = await listItems(world.root, "listPods", "pod", { keyword: tag });
		expect(byKeyword.map((p) => p.id)).toEqual(made.map((p) => p.id));
	});

	it("filters by name (ignoring case) and allocationstate", async () => {
		const disabled = await createPod(world, zone.id, { allocationstate: "Disabled" });
		const byName = await listItems(world.root, "listPods", "pod", { name: disabled.name.toUpperCase() });
		expect(byName.map((p) => p.id)).toEqual([disabled.id]);
		const disabledOnes = await listItems(world.root, "listPods", "pod", { allocationstate: "disabled" });
		expect(disabledOnes.map((p) => p.id)).toContain(disabled.id);
		expect(disabledOnes.every((p) => p.allocationstate === "Disabled")).toBe(true);
	});

	it("filters by tags", async () => {
		const pod = await createPod(world, zone.id);
		const key = unique("aisle");
		await runJob(world.root, {
			command: "createTags",
			resourcetype: "Pod",
			resourceids: pod.id,
			"tags[0].key": key,
			"tags[0].value": "7",
		});
		const found = await listItems(world.root, "listPods", "pod", { "tags[0].key": key, "tags[0].value": "7" });
		expect(found.map((p) => p.id)).toEqual([pod.id]);
		expect(await listItems(world.root, "listPods", "pod", { "tags[0].key": key, "tags[0].value": "8" })).toEqual([]);
	});

	it("answers XML with the range lists repeated per element", async () => {
		const result = await call(world.root, { command: "listPods", id: fixedPod.id, response: "xml" });
		expect(result.status).toBe(200);
		expect(result.text).toContain("<listpodsresponse");
		expect(result.text).toContain(`<startip>${fixedPod.startip[0]}</startip>`);
		expect(result.text).toContain(`<ipranges><startip>${fixedPod.startip[0]}</startip>`);
	});

	it("answers {} when nothing matches", async () => {
		const result = await call(world.root, { command: "listPods", id: crypto.randomUUID() });
		expect(result.body).toEqual({ listpodsresponse: {} });
	});
});

describe("updatePod", () => {
	it("changes name, range and allocation state, keeps the rest, and writes POD.EDIT", async () => {
		const pod = await createPod(world, zone.id);
		const prefix = pod.gateway.replace(/\.1$/, "");
		const name = unique("renamed-");
		const updated = ok(
			await call(world.root, {
				command: "updatePod",
				id: pod.id,
				name,
				startip: `${prefix}.5`,
				endip: `${prefix}.60`,
				allocationstate: "Disabled",
			}),
			"updatePod",
		).pod;
		expect(updated).toMatchObject({
			id: pod.id,
			name,
			gateway: pod.gateway,
			netmask: pod.netmask,
			startip: [`${prefix}.5`],
			endip: [`${prefix}.60`],
			allocationstate: "Disabled",
			zoneid: zone.id,
		});
		expect(await podById(pod.id)).toEqual(updated);
		expect((await eventsFor("POD.EDIT", pod.id))[0]).toMatchObject({ resourcename: name });
	});

	it("moves a pod to another subnet when gateway, netmask and range change together", async () => {
		const pod = await createPod(world, zone.id);
		const updated = ok(
			await call(world.root, {
				command: "updatePod",
				id: pod.id,
				gateway: "192.168.50.1",
				netmask: "255.255.254.0",
				startip: "192.168.50.10",
				endip: "192.168.51.200",
			}),
			"updatePod",
		).pod;
		expect(updated).toMatchObject({ gateway: "192.168.50.1", netmask: "255.255.254.0", endip: ["192.168.51.200"] });
	});

	it.each([
		["a gateway inside the range", (_p: Obj) => ({ gateway: _p.startip[0] }), /shouldn't overlap start\/end/],
		["a subnet the range is not in", () => ({ gateway: "192.0.2.1" }), /not in the CIDR subnet/],
		["start after end", (p: Obj) => ({ startip: p.endip[0], endip: p.startip[0] }), /lower value than the end IP/],
		["a bad netmask", () => ({ netmask: "0.255.255.255" }), /^The netmask is invalid$/],
	])("refuses %s with 431 and changes nothing", async (_what, extra, text) => {
		const pod = await createPod(world, zone.id);
		expectParamError(await call(world.root, { command: "updatePod", id: pod.id, ...extra(pod) }), "updatePod", text);
		expect(await podById(pod.id)).toEqual(pod);
	});

	it("refuses a range overlapping another pod's and a name another pod has", async () => {
		const pod = await createPod(world, zone.id);
		const overlap = await call(world.root, {
			command: "updatePod",
			id: pod.id,
			gateway: fixedPod.gateway,
			startip: fixedPod.startip[0],
			endip: fixedPod.endip[0],
		});
		expectParamError(overlap, "updatePod", new RegExp(`of pod ${fixedPod.name} in zone ${zone.name}$`));
		const clash = await call(world.root, { command: "updatePod", id: pod.id, name: fixedPod.name });
		expectParamError(clash, "updatePod", /already exists in zone/);
		expect(await podById(pod.id)).toEqual(pod);
		// Its own range and name (in another case) are no conflict.
		ok(
			await call(world.root, { command: "updatePod", id: pod.id, name: pod.name.toUpperCase(), endip: pod.endip[0] }),
			"updatePod",
		);
	});

	it("answers 431 for an unknown pod", async () => {
		const result = await call(world.root, { command: "updatePod", id: crypto.randomUUID(), name: "x" });
		expectParamError(result, "updatePod", /^Invalid parameter id value=/);
	});
});

describe("deletePod", () => {
	it("deletes an empty pod and its tags, and writes POD.DELETE", async () => {
		const pod = await createPod(world, zone.id);
		await runJob(world.root, {
			command: "createTags",
			resourcetype: "Pod",
			resourceids: pod.id,
			"tags[0].key": "k",
			"tags[0].value": "v",
		});
		const result = await call(world.root, { command: "deletePod", id: pod.id });
		expect(result.body).toEqual({ deletepodresponse: { success: true } });
		expect(await podById(pod.id)).toBeUndefined();
		const tags = await db
			.select()
			.from(resourceTags)
			.where(and(eq(resourceTags.resourceType, "Pod"), eq(resourceTags.resourceId, pod.id)));
		expect(tags).toEqual([]);
		expect((await eventsFor("POD.DELETE", pod.id))[0]).toMatchObject({ resourcename: pod.name });
	});

	it("refuses with 536 while the pod has clusters or guest IP ranges, naming them", async () => {
		const own = await createZone(world);
		const pod = await createPod(world, own.id);
		const now = Date.now();
		await db.insert(clusters).values({
			id: crypto.randomUUID(),
			zoneId: own.id,
			podId: pod.id,
			name: "cl-1",
			hypervisor: "KVM",
			clusterType: "CloudManaged",
			created: now,
		});
		const [network] = await db.select().from(networks).where(eq(networks.zoneId, own.id));
		await db.insert(vlanIpRanges).values({
			id: crypto.randomUUID(),
			zoneId: own.id,
			podId: pod.id,
			networkId: network?.id ?? "",
			gateway: "10.50.0.1",
			netmask: "255.255.255.0",
			startIp: "10.50.0.100",
			endIp: "10.50.0.150",
			created: now,
		});
		const result = await call(world.root, { command: "deletePod", id: pod.id });
		expect(result.status, result.text).toBe(536);
		expect(result.body.deletepodresponse).toMatchObject({
			errorcode: 536,
			cserrorcode: 4375,
			errortext: `The pod ${pod.name} cannot be deleted because it has 1 cluster (cl-1), 1 guest IP range (10.50.0.100-10.50.0.150)`,
		});
		expect(await podById(pod.id)).toBeDefined();
		// A pod blocks the zone's delete in turn.
		const zoneDelete = await call(world.root, { command: "deleteZone", id: own.id });
		expect(zoneDelete.status).toBe(536);
		expect(zoneDelete.body.deletezoneresponse.errortext).toBe(
			`The zone ${own.name} cannot be deleted because it has 1 pod (${pod.name}), 1 guest IP range (10.50.0.100-10.50.0.150)`,
		);
	});

	it("answers 431 for an unknown pod", async () => {
		const result = await call(world.root, { command: "deletePod", id: crypto.randomUUID() });
		expectParamError(result, "deletePod", /^Invalid parameter id value=/);
	});
});

// ---- the access matrix ------------------------------------------------------------------------

const listAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listPods", id: fixedPod.id }),
	verify: (_w, r) => expect(r.body.listpodsresponse.pod).toEqual([fixedPod]),
};

const unchanged = (command: string, params: () => Params): Case => ({
	...unavailable(command),
	run: (_w, a) => call(a, { command, ...params() }),
	verify: async () => expect(await podById(fixedPod.id)).toEqual(fixedPod),
});

const createAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, podParams(zone.id)),
	verify: async (_w, r) => expect(await podById(r.body.createpodresponse.pod.id)).toBeDefined(),
};

function updateAllowed(): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (w, a) => {
			id = (await createPod(w, zone.id)).id;
			return call(a, { command: "updatePod", id, allocationstate: "Disabled" });
		},
		verify: async () => expect((await podById(id)).allocationstate).toBe("Disabled"),
	};
}

function deleteAllowed(): Case {
	let id = "";
	return {
		expect: "allowed",
		run: async (w, a) => {
			id = (await createPod(w, zone.id)).id;
			return call(a, { command: "deletePod", id });
		},
		verify: async () => expect(await podById(id)).toBeUndefined(),
	};
}

const refusedCreate = (): Case => ({
	...unavailable("createPod"),
	run: (_w, a) => call(a, podParams(zone.id, { name: "intruder" })),
	verify: async () => expect(await listItems(world.root, "listPods", "pod", { name: "intruder" })).toEqual([]),
});

const refusedUpdate = () => unchanged("updatePod", () => ({ id: fixedPod.id, name: "hijacked" }));
const refusedDelete = () => unchanged("deletePod", () => ({ id: fixedPod.id }));

const matrix: Record<string, CommandMatrix> = {
	createPod: {
		RootAdmin: [createAllowed],
		ReadOnlyAdmin: [refusedCreate()],
		DomainAdmin: [refusedCreate()],
		ResourceAdmin: [refusedCreate()],
		User: [refusedCreate()],
	},
	listPods: {
		RootAdmin: [listAllowed],
		ReadOnlyAdmin: [listAllowed],
		DomainAdmin: [unavailable("listPods")],
		ResourceAdmin: [unavailable("listPods")],
		User: [unavailable("listPods")],
	},
	updatePod: {
		RootAdmin: [updateAllowed()],
		ReadOnlyAdmin: [refusedUpdate()],
		DomainAdmin: [refusedUpdate()],
		ResourceAdmin: [refusedUpdate()],
		User: [refusedUpdate()],
	},
	deletePod: {
		RootAdmin: [deleteAllowed()],
		ReadOnlyAdmin: [refusedDelete()],
		DomainAdmin: [refusedDelete()],
		ResourceAdmin: [refusedDelete()],
		User: [refusedDelete()],
	},
};

describeMatrix("pod commands × roles", () => world, matrix);
