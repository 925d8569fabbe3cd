/**
 * Guest IP ranges (createVlanIpRange, listVlanIpRanges, deleteVlanIpRange): a basic zone's pod
 * ranges on its default network, an advanced zone's shared-network ranges, every validation rule,
 * the events, paging and the five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { allocateGuestIp, releaseGuestIp } from "../../../worker/src/db/repos/guest-ips";
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
	unavailable,
	type World,
} from "../../helpers/identity-fixtures";
import { createPod, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zone: Obj;
let pod: Obj;
let pod2: Obj;
let network: Obj;
/** The pod's /24 prefix, e.g. "10.100.1". */
let prefix: string;

const SG_OFFERING = "00000000-0000-4000-8000-0000000e0001";

async function zoneNetwork(zoneId: string): Promise<Obj> {
	const [item] = await listItems(world.root, "listNetworks", "network", { zoneid: zoneId, listall: "true" });
	return item;
}

function createRange(params: Params) {
	return call(world.root, { command: "createVlanIpRange", ...params });
}

async function rangeCount(): Promise<number> {
	return ok(await call(world.root, { command: "listVlanIpRanges" }), "listVlanIpRanges").count ?? 0;
}

/** A guest range of the basic zone's pod (gateway .1 of the pod's /24). */
function podRange(start: number, end: number, extra: Params = {}): Params {
	return {
		podid: pod.id,
		gateway: `${prefix}.1`,
		netmask: "255.255.255.0",
		startip: `${prefix}.${start}`,
		endip: `${prefix}.${end}`,
		...extra,
	};
}

function ipNumber(ip: string): number {
	return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

beforeAll(async () => {
	world = await buildWorld();
	zone = await createZone(world);
	pod = await createPod(world, zone.id);
	pod2 = await createPod(world, zone.id);
	prefix = pod.gateway.split(".").slice(0, 3).join(".");
	network = await zoneNetwork(zone.id);
});

describe("createVlanIpRange in a basic zone", () => {
	it("creates a pod's range on the zone's default network and gives the network its subnet", async () => {
		expect(network.gateway).toBeUndefined();
		const result = await createRange({
			podid: pod.id,
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
			startip: `${prefix}.100`,
			endip: `${prefix}.120`,
		});
		expect(Object.keys(result.body)).toEqual(["createvlaniprangeresponse"]);
		const range = ok(result, "createVlanIpRange").vlan;
		expect(range).toMatchObject({
			forvirtualnetwork: false,
			zoneid: zone.id,
			vlan: "untagged",
			podid: pod.id,
			podname: pod.name,
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
			description: `${prefix}.100-${prefix}.120`,
			cidr: `${prefix}.0/24`,
			startip: `${prefix}.100`,
			endip: `${prefix}.120`,
			networkid: network.id,
			forsystemvms: false,
			domainid: world.rootDomainId,
			domain: "ROOT",
		});
		expect(range.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(range.account).toBeUndefined();

		const [listed] = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { id: range.id });
		expect(listed).toEqual(range);
		const after = await zoneNetwork(zone.id);
		expect(after).toMatchObject({
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
			cidr: `${prefix}.0/24`,
			state: "Setup",
			canusefordeploy: true,
		});

		const events = await listItems(world.root, "listEvents", "event", {
			type: "VLAN.IP.RANGE.CREATE",
			listall: "true",
		});
		expect(events.find((e) => e.resourceid === range.id)).toMatchObject({ level: "INFO", username: "admin" });
	});

	it("defaults endip to startip (a one-address range) and takes the network's gateway and netmask", async () => {
		const range = ok(await createRange({ podid: pod.id, startip: `${prefix}.130` }), "createVlanIpRange").vlan;
		expect(range).toMatchObject({
			startip: `${prefix}.130`,
			endip: `${prefix}.130`,
			gateway: `${prefix}.1`,
			netmask: "255.255.255.0",
		});
	});

	it("lets a second pod add a range of the same network subnet", async () => {
		const range = ok(
			await createRange({
				podid: pod2.id,
				gateway: `${prefix}.1`,
				netmask: "255.255.255.0",
				startip: `${prefix}.200`,
				endip: `${prefix}.210`,
			}),
			"createVlanIpRange",
		).vlan;
		expect(range).toMatchObject({ podid: pod2.id, podname: pod2.name, networkid: network.id });
	});

	it("lets only one of two concurrent overlapping ranges in", async () => {
		const results = await Promise.all([createRange(podRange(220, 230)), createRange(podRange(225, 235))]);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 431]);
		const refused = results.find((r) => r.status === 431);
		expect(refused?.body.createvlaniprangeresponse.errortext).toMatch(/overlaps the guest IP range/);
		const stored = await env.DB.prepare(
			"SELECT count(*) AS n FROM guest_ips WHERE address_num BETWEEN ? AND ? AND zone_id = ?",
		)
			.bind(ipNumber(`${prefix}.220`), ipNumber(`${prefix}.235`), zone.id)
			.first<{ n: number }>();
		expect(stored?.n).toBe(11);
	});

	it("lets only one of two concurrent first ranges with different subnets set the network's subnet", async () => {
		const fresh = await createZone(world);
		const pods = [await createPod(world, fresh.id), await createPod(world, fresh.id)];
		const results = await Promise.all(
			pods.map((p) => {
				const base = p.gateway.split(".").slice(0, 3).join(".");
				return createRange({ podid: p.id, gateway: `${base}.1`, netmask: "255.255.255.0", startip: `${base}.100` });
			}),
		);
		expect(results.map((r) => r.status).sort()).toEqual([200, 431]);
		const winner = results.find((r) => r.status === 200)?.body.createvlaniprangeresponse.vlan;
		expect(results.find((r) => r.status === 431)?.body.createvlaniprangeresponse.errortext).toMatch(
			/all of its IP ranges must use them/,
		);
		expect((await zoneNetwork(fresh.id)).gateway).toBe(winner.gateway);
	});

	it("dedicates a range to an account (account + domainid) or a domain", async () => {
		const range = ok(
			await createRange(podRange(140, 141, { account: world.alice.accountName, domainid: world.d1 })),
			"createVlanIpRange",
		).vlan;
		expect(range).toMatchObject({ account: "alice", domainid: world.d1, domain: "d1" });
		const byDomain = ok(await createRange(podRange(142, 142, { domainid: world.d2 })), "createVlanIpRange").vlan;
		expect(byDomain).toMatchObject({ domainid: world.d2, domain: "d2" });
		expect(byDomain.account).toBeUndefined();
		const dedicated = await listItems(world.root, "listVlanIpRanges", "vlaniprange", {
			domainid: world.d1,
			account: "alice",
		});
		expect(dedicated.map((r) => r.id)).toEqual([range.id]);
	});
});

describe("createVlanIpRange refusals (431, nothing written)", () => {
	const refusals: [string, () => Params, RegExp][] = [
		[
			"forvirtualnetwork=true",
			() => podRange(150, 151, { forvirtualnetwork: "true" }),
			/no public \(virtual\) networks/,
		],
		["forsystemvms=true", () => podRange(150, 151, { forsystemvms: "true" }), /no system VMs/],
		["an invalid start IP", () => podRange(150, 151, { startip: "10.0.0.300" }), /Invalid startip 10\.0\.0\.300/],
		["an invalid end IP", () => podRange(150, 151, { endip: "ten" }), /Invalid endip ten/],
		["a non-contiguous netmask", () => podRange(150, 151, { netmask: "255.0.255.0" }), /not a contiguous IPv4 netmask/],
		["start above end", () => podRange(160, 150), /greater than the endip/],
		[
			"a range outside the gateway's subnet",
			() => podRange(150, 151, { startip: "10.250.0.1", endip: "10.250.0.2" }),
			/not in the subnet/,
		],
		[
			"the gateway inside the range",
			() => podRange(150, 151, { gateway: `${prefix}.150` }),
			/gateway .* is inside the range|all of its IP ranges must use them/,
		],
		["the broadcast address in the range", () => podRange(250, 255), /network or broadcast address/],
		[
			"another subnet than the network's",
			() => ({
				podid: pod.id,
				gateway: `${prefix}.129`,
				netmask: "255.255.255.128",
				startip: `${prefix}.150`,
				endip: `${prefix}.151`,
			}),
			/all of its IP ranges must use them/,
		],
		[
			"an overlap with another guest range",
			() => podRange(110, 125),
			/overlaps the guest IP range .*\.100-.*\.120 .* of network defaultGuestNetwork/,
		],
		[
			"an overlap with a pod's management range",
			() => podRange(40, 60),
			/overlaps the management IP range .*\.10-.*\.50 of pod pod-/,
		],
		[
			"no podid in a basic zone",
			() => ({ zoneid: zone.id, gateway: `${prefix}.1`, netmask: "255.255.255.0", startip: `${prefix}.150` }),
			/podid is required/,
		],
		["a VLAN the network does not use", () => podRange(150, 151, { vlan: "100" }), /is on VLAN untagged/],
		["an invalid VLAN", () => podRange(150, 151, { vlan: "5000" }), /Invalid vlan 5000/],
		["account without domainid", () => podRange(150, 151, { account: "alice" }), /domainid/],
		[
			"an unknown account",
			() => podRange(150, 151, { account: "nobody", domainid: world.d1 }),
			/Unable to find account nobody/,
		],
		[
			"a missing pod",
			() => podRange(150, 151, { podid: "00000000-0000-4000-8000-00000000dead" }),
			/Invalid parameter podid/,
		],
		[
			"a pod of another zone",
			() => podRange(150, 151, { zoneid: "00000000-0000-4000-8000-00000000dead" }),
			/does not belong to zone/,
		],
		[
			"a missing network",
			() => podRange(150, 151, { networkid: "00000000-0000-4000-8000-00000000dead" }),
			/Invalid parameter networkid/,
		],
		["a missing startip", () => ({ podid: pod.id }), /startip/],
		[
			"more than 65,536 addresses",
			() => ({ podid: pod.id, gateway: "10.0.0.1", netmask: "255.0.0.0", startip: "10.1.0.0", endip: "10.2.0.0" }),
			/at most 65536|all of its IP ranges must use them/,
		],
	];
	for (const [what, params, text] of refusals) {
		it(`refuses ${what}`, async () => {
			const before = await rangeCount();
			expectParamError(await createRange(params()), "createVlanIpRange", text);
			expect(await rangeCount()).toBe(before);
		});
	}
});

describe("createVlanIpRange in an advanced zone", () => {
	let advanced: Obj;
	let shared: Obj;
	beforeAll(async () => {
		advanced = await createZone(world, { networktype: "Advanced" });
		shared = ok(
			await call(world.root, {
				command: "createNetwork",
				name: "big-net",
				networkofferingid: SG_OFFERING,
				zoneid: advanced.id,
				gateway: "172.16.0.1",
				netmask: "255.254.0.0",
			}),
			"createNetwork",
		).network;
	});

	it("needs the shared network's id and refuses a podid", async () => {
		expectParamError(
			await createRange({ zoneid: advanced.id, startip: "172.16.0.10" }),
			"createVlanIpRange",
			/networkid is required/,
		);
		expectParamError(
			await createRange({ networkid: shared.id, podid: pod.id, startip: "172.16.0.10" }),
			"createVlanIpRange",
			/Pod .* does not belong to zone/,
		);
		const advancedPod = await createPod(world, advanced.id);
		expectParamError(
			await createRange({ networkid: shared.id, podid: advancedPod.id, startip: "172.16.0.10" }),
			"createVlanIpRange",
			/Can specify podId only when network type is Basic/,
		);
		expectParamError(
			await createRange({ networkid: network.id, zoneid: advanced.id, startip: "172.16.0.10" }),
			"createVlanIpRange",
			/belongs to another zone/,
		);
	});

	it("accepts a range of exactly 65,536 addresses and refuses one more", async () => {
		expectParamError(
			await createRange({ networkid: shared.id, startip: "172.16.1.0", endip: "172.17.1.0" }),
			"createVlanIpRange",
			/65537 addresses; a guest IP range may have at most 65536/,
		);
		const range = ok(
			await createRange({ networkid: shared.id, startip: "172.16.1.0", endip: "172.17.0.255" }),
			"createVlanIpRange",
		).vlan;
		expect(range).toMatchObject({
			zoneid: advanced.id,
			networkid: shared.id,
			cidr: "172.16.0.0/15",
			gateway: "172.16.0.1",
		});
		expect(range.podid).toBeUndefined();
		const counts = await env.DB.prepare(
			"SELECT count(*) AS n, count(DISTINCT address) AS d, min(address_num) AS lo FROM guest_ips WHERE range_id = ?",
		)
			.bind(range.id)
			.first<{ n: number; d: number; lo: number }>();
		expect(counts).toMatchObject({ n: 65_536, d: 65_536 });
		ok(await call(world.root, { command: "deleteVlanIpRange", id: range.id }), "deleteVlanIpRange");
		const left = await env.DB.prepare("SELECT count(*) AS n FROM guest_ips WHERE range_id = ?")
			.bind(range.id)
			.first<{ n: number }>();
		expect(left?.n).toBe(0);
	});
});

describe("listVlanIpRanges", () => {
	it("filters by pod, zone, network, vlan, type and keyword", async () => {
		const all = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { zoneid: zone.id });
		expect(all.length).toBeGreaterThanOrEqual(5);
		expect(all.every((r) => r.zoneid === zone.id)).toBe(true);
		const ofPod2 = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { podid: pod2.id });
		expect(ofPod2.map((r) => r.startip)).toEqual([`${prefix}.200`]);
		const ofNetwork = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { networkid: network.id });
		expect(ofNetwork.length).toBe(all.length);
		expect(
			(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { zoneid: zone.id, vlan: "untagged" })).length,
		).toBe(all.length);
		expect(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { zoneid: zone.id, vlan: "100" })).toEqual(
			[],
		);
		expect(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { forvirtualnetwork: "true" })).toEqual([]);
		const byKeyword = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { keyword: `${prefix}.20` });
		expect(byKeyword.map((r) => r.startip)).toContain(`${prefix}.200`);
	});

	it("pages in creation order with count = total", async () => {
		const all = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { zoneid: zone.id });
		const page2 = ok(
			await call(world.root, { command: "listVlanIpRanges", zoneid: zone.id, page: "2", pagesize: "2" }),
			"listVlanIpRanges",
		);
		expect(page2.count).toBe(all.length);
		expect(page2.vlaniprange.map((r: Obj) => r.id)).toEqual(all.slice(2, 4).map((r) => r.id));
		const empty = ok(
			await call(world.root, { command: "listVlanIpRanges", id: "00000000-0000-4000-8000-00000000dead" }),
			"listVlanIpRanges",
		);
		expect(empty).toEqual({});
	});
});

describe("deleteVlanIpRange", () => {
	it("deletes a free range and its addresses, and writes VLAN.IP.RANGE.DELETE", async () => {
		const range = ok(await createRange(podRange(170, 175)), "createVlanIpRange").vlan;
		const result = await call(world.root, { command: "deleteVlanIpRange", id: range.id });
		expect(ok(result, "deleteVlanIpRange")).toEqual({ success: true });
		expect(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { id: range.id })).toEqual([]);
		const events = await listItems(world.root, "listEvents", "event", {
			type: "VLAN.IP.RANGE.DELETE",
			listall: "true",
		});
		expect(events.some((e) => e.resourceid === range.id)).toBe(true);
		// Its addresses are free for a new range again.
		const again = ok(await createRange(podRange(170, 175)), "createVlanIpRange").vlan;
		ok(await call(world.root, { command: "deleteVlanIpRange", id: again.id }), "deleteVlanIpRange");
	});

	it("refuses (536) while an address is allocated, naming how many and to what", async () => {
		const range = ok(await createRange(podRange(180, 185)), "createVlanIpRange").vlan;
		const db = createDb(env.DB);
		const a = await allocateGuestIp(db, {
			networkId: network.id,
			podId: pod.id,
			requested: `${prefix}.181`,
			owner: "nic-1",
		});
		const b = await allocateGuestIp(db, {
			networkId: network.id,
			podId: pod.id,
			requested: `${prefix}.183`,
			owner: "nic-2",
		});
		const refused = await call(world.root, { command: "deleteVlanIpRange", id: range.id });
		expect(refused.status).toBe(536);
		expect(refused.body.deletevlaniprangeresponse).toMatchObject({ errorcode: 536, cserrorcode: 4375 });
		expect(refused.body.deletevlaniprangeresponse.errortext).toBe(
			`The IP range ${prefix}.180-${prefix}.185 cannot be deleted while it is in use: 2 addresses are allocated (${a} to nic-1, ${b} to nic-2); release them first`,
		);
		expect((await listItems(world.root, "listVlanIpRanges", "vlaniprange", { id: range.id })).length).toBe(1);
		await releaseGuestIp(db, network.id, a);
		await releaseGuestIp(db, network.id, b);
		ok(await call(world.root, { command: "deleteVlanIpRange", id: range.id }), "deleteVlanIpRange");
	});

	it("answers 431 for a range that does not exist", async () => {
		expectParamError(
			await call(world.root, { command: "deleteVlanIpRange", id: "00000000-0000-4000-8000-00000000dead" }),
			"deleteVlanIpRange",
			/Invalid parameter id/,
		);
	});

	it("clears the default network's subnet when its last range goes", async () => {
		const lone = await createZone(world);
		const lonePod = await createPod(world, lone.id);
		const p = lonePod.gateway.split(".").slice(0, 3).join(".");
		const range = ok(
			await createRange({
				podid: lonePod.id,
				gateway: `${p}.1`,
				netmask: "255.255.255.0",
				startip: `${p}.100`,
				endip: `${p}.101`,
			}),
			"createVlanIpRange",
		).vlan;
		expect((await zoneNetwork(lone.id)).cidr).toBe(`${p}.0/24`);
		ok(await call(world.root, { command: "deleteVlanIpRange", id: range.id }), "deleteVlanIpRange");
		const net = await zoneNetwork(lone.id);
		expect(net.cidr).toBeUndefined();
		expect(net.canusefordeploy).toBe(false);
	});
});

// ---- access matrix -------------------------------------------------------------------------

let matrixStart = 60;
const createAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => {
		matrixStart += 2;
		return call(a, { command: "createVlanIpRange", ...podRange(matrixStart, matrixStart) });
	},
	verify: async (_w, r) => {
		const id = r.body.createvlaniprangeresponse.vlan.id;
		expect((await listItems(world.root, "listVlanIpRanges", "vlaniprange", { id })).length).toBe(1);
	},
};
const listAllowed: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listVlanIpRanges", zoneid: zone.id }),
	verify: (_w, r) => expect(r.body.listvlaniprangesresponse.count).toBeGreaterThan(0),
};
const deleteAllowed: Case = {
	expect: "allowed",
	run: async (_w, a) => {
		const range = ok(await createRange(podRange(90, 91)), "createVlanIpRange").vlan;
		return call(a, { command: "deleteVlanIpRange", id: range.id });
	},
	verify: async () =>
		expect(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { keyword: `${prefix}.90` })).toEqual([]),
};
const notAvailable = (command: string): Case => ({
	...unavailable(command),
	run: (_w, a) => call(a, { command, ...podRange(95, 95), id: "00000000-0000-4000-8000-00000000dead" }),
	verify: async () =>
		expect(await listItems(world.root, "listVlanIpRanges", "vlaniprange", { keyword: `${prefix}.95` })).toEqual([]),
});
const adminOnly = (command: string, rootCase: Case, readOnly: Case): CommandMatrix => ({
	RootAdmin: [rootCase],
	ReadOnlyAdmin: [readOnly],
	ResourceAdmin: [notAvailable(command)],
	DomainAdmin: [notAvailable(command)],
	User: [notAvailable(command)],
});

describeMatrix("guest IP range access", () => world, {
	createVlanIpRange: adminOnly("createVlanIpRange", createAllowed, notAvailable("createVlanIpRange")),
	listVlanIpRanges: adminOnly("listVlanIpRanges", listAllowed, listAllowed),
	deleteVlanIpRange: adminOnly("deleteVlanIpRange", deleteAllowed, notAvailable("deleteVlanIpRange")),
});
