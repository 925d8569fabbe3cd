/**
 * Guest IP allocation bookkeeping (worker/src/db/repos/guest-ips.ts) against real D1: lowest free
 * address first, a requested address, no address handed out twice under concurrent requests,
 * exhaustion, release and reuse, counts — and what the API shows of it (listNetworks
 * canusefordeploy, deleteVlanIpRange refusing an allocated range).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../../worker/src/db/client";
import { allocateGuestIp, guestIpCounts, releaseGuestIp } from "../../../worker/src/db/repos/guest-ips";
import { buildWorld, call, listItems, ok, type World } from "../../helpers/identity-fixtures";
import { createPod, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let db: Db;
let zone: Obj;
let pod: Obj;
let pod2: Obj;
let networkId: string;
let prefix: string;

async function range(podId: string, start: number, end: number): Promise<Obj> {
	const params = {
		command: "createVlanIpRange",
		podid: podId,
		gateway: `${prefix}.1`,
		netmask: "255.255.255.0",
		startip: `${prefix}.${start}`,
		endip: `${prefix}.${end}`,
	};
	return ok(await call(world.root, params), "createVlanIpRange").vlan;
}

async function failure(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
	try {
		await promise;
	} catch (error) {
		return error as { code: number; message: string };
	}
	throw new Error("expected the allocation to fail");
}

async function network(): Promise<Obj> {
	const [item] = await listItems(world.root, "listNetworks", "network", { id: networkId });
	return item;
}

beforeAll(async () => {
	world = await buildWorld();
	db = createDb(env.DB);
	zone = await createZone(world);
	pod = await createPod(world, zone.id);
	pod2 = await createPod(world, zone.id);
	prefix = pod.gateway.split(".").slice(0, 3).join(".");
	const [net] = await listItems(world.root, "listNetworks", "network", { zoneid: zone.id });
	networkId = net.id;
	await range(pod.id, 100, 109);
	await range(pod2.id, 200, 204);
});

describe("allocateGuestIp", () => {
	it("hands out the lowest free address of the pod, then the next", async () => {
		expect(await allocateGuestIp(db, { networkId, podId: pod.id, owner: "nic-a" })).toBe(`${prefix}.100`);
		expect(await allocateGuestIp(db, { networkId, podId: pod.id, owner: "nic-b" })).toBe(`${prefix}.101`);
		expect(await allocateGuestIp(db, { networkId, podId: pod2.id, owner: "nic-c" })).toBe(`${prefix}.200`);
	});

	it("hands out a requested free address and refuses a taken, foreign or invalid one", async () => {
		expect(await allocateGuestIp(db, { networkId, requested: `${prefix}.105`, owner: "nic-d" })).toBe(`${prefix}.105`);
		const taken = await failure(allocateGuestIp(db, { networkId, requested: `${prefix}.105`, owner: "nic-e" }));
		expect(taken.code).toBe(533);
		expect(taken.message).toMatch(/requested IP address .*\.105 is already in use/);
		const outside = await failure(allocateGuestIp(db, { networkId, requested: `${prefix}.150`, owner: "nic-e" }));
		expect(outside.code).toBe(431);
		expect(outside.message).toMatch(/not in a guest IP range/);
		const otherPod = await failure(
			allocateGuestIp(db, { networkId, podId: pod2.id, requested: `${prefix}.106`, owner: "nic-e" }),
		);
		expect(otherPod.code).toBe(431);
		const invalid = await failure(allocateGuestIp(db, { networkId, requested: "10.0.0.999", owner: "nic-e" }));
		expect(invalid.code).toBe(431);
	});

	it("never hands out an address twice to concurrent requests, and fails with 533 when none is left", async () => {
		const before = await guestIpCounts(db, { podId: pod.id });
		const free = before.total - before.allocated;
		expect(free).toBe(7);
		const attempts = Array.from({ length: 12 }, (_, i) =>
			allocateGuestIp(db, { networkId, podId: pod.id, owner: `burst-${i}` }).then(
				(address) => ({ address }),
				(error: { code: number; message: string }) => ({ error }),
			),
		);
		const results = await Promise.all(attempts);
		const addresses = results.flatMap((r) => ("address" in r ? [r.address] : []));
		const errors = results.flatMap((r) => ("error" in r ? [r.error] : []));
		expect(addresses.length).toBe(free);
		expect(new Set(addresses).size).toBe(free);
		expect(errors.length).toBe(12 - free);
		for (const error of errors) {
			expect(error.code).toBe(533);
			expect(error.message).toMatch(/no free guest IP address is left in pod/);
		}
		const rows = await env.DB.prepare(
			"SELECT address, allocated_to FROM guest_ips WHERE pod_id = ? AND allocated_to LIKE 'burst-%'",
		)
			.bind(pod.id)
			.all<{ address: string; allocated_to: string }>();
		expect(rows.results.map((r) => r.address).sort()).toEqual([...addresses].sort());
		expect(await guestIpCounts(db, { podId: pod.id })).toEqual({ total: 10, allocated: 10 });
	});

	it("makes a released address reusable (it is the lowest free one again)", async () => {
		expect(await releaseGuestIp(db, networkId, `${prefix}.101`)).toBe(true);
		expect(await releaseGuestIp(db, networkId, `${prefix}.101`)).toBe(false);
		expect(await releaseGuestIp(db, networkId, `${prefix}.103`, "someone-else")).toBe(false);
		expect(await allocateGuestIp(db, { networkId, podId: pod.id, owner: "nic-f" })).toBe(`${prefix}.101`);
	});

	it("counts addresses per zone, pod and network", async () => {
		expect(await guestIpCounts(db, { zoneId: zone.id })).toEqual({ total: 15, allocated: 11 });
		expect(await guestIpCounts(db, { podId: pod2.id })).toEqual({ total: 5, allocated: 1 });
		expect(await guestIpCounts(db, { networkId })).toEqual({ total: 15, allocated: 11 });
		expect(await guestIpCounts(db, { zoneId: "00000000-0000-4000-8000-00000000dead" })).toEqual({
			total: 0,
			allocated: 0,
		});
	});
});

describe("what the API shows of allocation", () => {
	it("listNetworks canusefordeploy is false once every address is taken, true again after a release", async () => {
		// Take the rest of pod 2's range: the whole network is then full.
		for (let i = 0; i < 4; i++) await allocateGuestIp(db, { networkId, podId: pod2.id, owner: `fill-${i}` });
		expect((await network()).canusefordeploy).toBe(false);
		const usable = await listItems(world.root, "listNetworks", "network", { zoneid: zone.id, canusefordeploy: "true" });
		expect(usable).toEqual([]);
		await releaseGuestIp(db, networkId, `${prefix}.204`);
		expect((await network()).canusefordeploy).toBe(true);
		const again = await listItems(world.root, "listNetworks", "network", { zoneid: zone.id, canusefordeploy: "true" });
		expect(again.map((n) => n.id)).toEqual([networkId]);
	});

	it("deleteVlanIpRange refuses a range with allocated addresses (536) and names them", async () => {
		const [ofPod2] = await listItems(world.root, "listVlanIpRanges", "vlaniprange", { podid: pod2.id });
		const refused = await call(world.root, { command: "deleteVlanIpRange", id: ofPod2.id });
		expect(refused.status).toBe(536);
		expect(refused.body.deletevlaniprangeresponse.errortext).toMatch(
			new RegExp(`4 addresses are allocated \\(${prefix.replaceAll(".", "\\.")}\\.200 to nic-c, .*fill-0`),
		);
	});
});
