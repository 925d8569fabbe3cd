/**
 * Host and pool capacity bookkeeping (worker/src/vms/capacity.ts) against real D1: reservations are
 * compare-and-set under the limit, so concurrent ones never overfill a host; the global overcommit
 * factor widens the limit unless the cluster has its own ratio; hosts that are not Up and Enabled
 * take nothing; releases never go below zero; pools honour storage.overprovisioning.factor.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../../worker/src/db/client";
import { releaseHost, releasePool, reserveHost, reservePool } from "../../../worker/src/vms/capacity";
import { planPlacement } from "../../../worker/src/vms/planner";
import { buildWorld, call, ok, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";
import { insertHost } from "../host/host-fixtures";
import { row } from "./vm-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let db: Db;
let cluster: Obj;
let zoneId: string;
// 4 × 1000 MHz, 4 GiB.
const small = { cpuNumber: 4, cpuSpeed: 1000, memoryTotal: 4 * 1024 ** 3 };
const vm = { cpuNumber: 1, cpuSpeed: 1000, memory: 1024 };

beforeAll(async () => {
	world = await buildWorld();
	db = createDb(env.DB);
	const tree = await createTree(world);
	cluster = tree.cluster;
	zoneId = tree.zone.id;
});

async function setFactor(name: string, value: string) {
	ok(await call(world.root, { command: "updateConfiguration", name, value }), "updateConfiguration");
}

describe("reserveHost / releaseHost", () => {
	it("ten concurrent reservations on a host with room for four: exactly four win", async () => {
		const id = await insertHost(cluster, small);
		const wins = await Promise.all(Array.from({ length: 10 }, () => reserveHost(db, { id }, vm)));
		expect(wins.filter(Boolean)).toHaveLength(4);
		const host = await row("hosts", id);
		expect(host.cpu_allocated).toBe(4000);
		expect(host.memory_allocated).toBe(4 * 1024 ** 3);
		await releaseHost(db, id, vm);
		expect((await row("hosts", id)).cpu_allocated).toBe(3000);
	});

	it("releases never go below zero", async () => {
		const id = await insertHost(cluster, small);
		await releaseHost(db, id, vm);
		expect(await row("hosts", id)).toMatchObject({ cpu_allocated: 0, memory_allocated: 0 });
	});

	it("hosts in maintenance, disabled or not Up take nothing", async () => {
		for (const fields of [{ resourceState: "Maintenance" }, { resourceState: "Disabled" }, { state: "Down" }]) {
			const id = await insertHost(cluster, { ...small, ...fields });
			expect(await reserveHost(db, { id }, vm)).toBe(false);
		}
	});

	it("cpu./mem.overprovisioning.factor widen the limit; a cluster's own ratio wins", async () => {
		const id = await insertHost(cluster, small);
		const big = { cpuNumber: 6, cpuSpeed: 1000, memory: 6 * 1024 };
		expect(await reserveHost(db, { id }, big)).toBe(false);
		await setFactor("cpu.overprovisioning.factor", "2");
		await setFactor("mem.overprovisioning.factor", "2");
		try {
			expect(await reserveHost(db, { id }, big)).toBe(true);
			await releaseHost(db, id, big);
			await env.DB.prepare("UPDATE clusters SET cpu_overcommit_ratio = '1.2' WHERE id = ?").bind(cluster.id).run();
			expect(await reserveHost(db, { id }, big)).toBe(false);
		} finally {
			await env.DB.prepare("UPDATE clusters SET cpu_overcommit_ratio = '1.0' WHERE id = ?").bind(cluster.id).run();
			await setFactor("cpu.overprovisioning.factor", "1");
			await setFactor("mem.overprovisioning.factor", "1");
		}
	});
});

describe("reservePool / releasePool", () => {
	it("takes bytes up to capacity × storage.overprovisioning.factor (2 by default), only on Up pools", async () => {
		const pool = ok(
			await call(world.root, {
				command: "createStoragePool",
				name: `pool-${crypto.randomUUID().slice(0, 8)}`,
				url: "nfs://10.1.1.7/export/p",
				zoneid: zoneId,
				podid: cluster.podid,
				clusterid: cluster.id,
				capacitybytes: "1000",
			}),
			"createStoragePool",
		).storagepool;
		expect(await reservePool(db, pool.id, 1500)).toBe(true);
		expect(await reservePool(db, pool.id, 600)).toBe(false);
		expect(await reservePool(db, pool.id, 500)).toBe(true);
		await releasePool(db, pool.id, 5000);
		expect((await row("storage_pools", pool.id)).allocated_bytes).toBe(0);
		await env.DB.prepare("UPDATE storage_pools SET state = 'Maintenance' WHERE id = ?").bind(pool.id).run();
		expect(await reservePool(db, pool.id, 1)).toBe(false);
	});
});

describe("planPlacement", () => {
	it("picks the least used host that fits, skips excluded hosts, and answers 533 when nothing fits", async () => {
		const tree = await createTree(world);
		const busy = await insertHost(tree.cluster, { ...small, memoryAllocated: 3 * 1024 ** 3, cpuAllocated: 3000 });
		const idle = await insertHost(tree.cluster, small);
		await call(world.root, {
			command: "createStoragePool",
			name: `pool-${crypto.randomUUID().slice(0, 8)}`,
			url: "nfs://10.1.1.8/export/p",
			zoneid: tree.zone.id,
			podid: tree.pod.id,
			clusterid: tree.cluster.id,
			capacitybytes: String(100 * 1024 ** 3),
		});
		const request = { zoneId: tree.zone.id, vm, poolBytes: 1024 ** 3 };
		expect((await planPlacement({ db }, request)).hostId).toBe(idle);
		expect((await planPlacement({ db }, { ...request, excludeHostIds: [idle] })).hostId).toBe(busy);
		await expect(
			planPlacement({ db }, { ...request, vm: { cpuNumber: 8, cpuSpeed: 1000, memory: 1024 } }),
		).rejects.toMatchObject({ code: 533 });
		await expect(planPlacement({ db }, { ...request, poolBytes: 10 ** 15 })).rejects.toMatchObject({
			code: 533,
			message: expect.stringMatching(/storage pool/),
		});
	});
});
