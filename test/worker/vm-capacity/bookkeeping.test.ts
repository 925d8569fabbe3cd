/**
 * Capacity bookkeeping (vms/capacity.ts) as listCapacity shows it: reserving and releasing an
 * instance's CPU/memory on a host and a volume's bytes on a pool, the limits with the cluster's
 * ratio or the global overprovisioning factors, hosts that take nothing (maintenance, Down),
 * concurrent reservations that can never overfill, and CPU_CORE counting placed instances.
 * Inventory rows go straight into D1 so only the bookkeeping is under test.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { clusters, hosts, pods, storagePools, vmInstances, zones } from "../../../worker/src/db/schema";
import { releaseHost, releasePool, reserveHost, reservePool } from "../../../worker/src/vms/capacity";
import type { Params } from "../../helpers/api";
import { buildWorld, call, listItems, ok, unique, type World } from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const GiB = 1024 ** 3;
const db = createDb(env.DB);
const id = () => crypto.randomUUID();
let world: World;

interface Place {
	zoneId: string;
	podId: string;
	clusterId: string;
}

/** zone → pod → cluster (with an optional own CPU/memory ratio). */
async function insertPlace(ratios: { cpu?: string; memory?: string } = {}): Promise<Place> {
	const place = { zoneId: id(), podId: id(), clusterId: id() };
	const now = Date.now();
	await db.insert(zones).values({
		id: place.zoneId,
		name: unique("cap-zone-"),
		networkType: "Advanced",
		dns1: "8.8.8.8",
		internalDns1: "10.0.0.2",
		created: now,
	});
	await db.insert(pods).values({
		id: place.podId,
		name: unique("cap-pod-"),
		zoneId: place.zoneId,
		gateway: "10.0.0.1",
		netmask: "255.255.255.0",
		startIp: "10.0.0.10",
		endIp: "10.0.0.50",
		created: now,
	});
	await db.insert(clusters).values({
		id: place.clusterId,
		name: unique("cap-cluster-"),
		zoneId: place.zoneId,
		podId: place.podId,
		hypervisor: "KVM",
		clusterType: "CloudManaged",
		cpuOvercommitRatio: ratios.cpu ?? "1.0",
		memoryOvercommitRatio: ratios.memory ?? "1.0",
		created: now,
	});
	return place;
}

/** A 4 × 1000 MHz, 4 GiB host, Up and Enabled unless told otherwise. */
async function insertHost(at: Place, fields: Partial<typeof hosts.$inferInsert> = {}): Promise<string> {
	const hostId = id();
	await db.insert(hosts).values({
		id: hostId,
		name: unique("cap-host-"),
		...at,
		state: "Up",
		resourceState: "Enabled",
		cpuNumber: 4,
		cpuSpeed: 1000,
		memoryTotal: 4 * GiB,
		url: `sim://${hostId}`,
		created: Date.now(),
		...fields,
	});
	return hostId;
}

async function insertPool(at: Place, capacity: number): Promise<string> {
	const poolId = id();
	await db.insert(storagePools).values({
		id: poolId,
		name: unique("cap-pool-"),
		...at,
		scope: "CLUSTER",
		type: "NetworkFilesystem",
		host: "10.1.1.1",
		path: `/export/${poolId}`,
		url: `nfs://10.1.1.1/export/${poolId}`,
		capacityBytes: capacity,
		usedBytes: 0,
		allocatedBytes: 0,
		created: Date.now(),
	});
	return poolId;
}

async function capacity(params: Params): Promise<Record<string, Obj>> {
	const items = await listItems(world.root, "listCapacity", "capacity", params);
	return Object.fromEntries(items.map((c: Obj) => [c.name, c]));
}

async function setGlobal(name: string, value: string): Promise<void> {
	ok(await call(world.root, { command: "updateConfiguration", name, value }), "updateConfiguration");
}

async function hostRow(hostId: string) {
	return db.select().from(hosts).where(eq(hosts.id, hostId)).get();
}

const small = { cpuNumber: 1, cpuSpeed: 1000, memory: 1024 };

beforeAll(async () => {
	world = await buildWorld();
});

describe("host reservations in listCapacity", () => {
	it("adds and releases an instance's MHz and bytes; refuses what does not fit", async () => {
		const at = await insertPlace();
		const hostId = await insertHost(at);
		expect(await reserveHost(db, { id: hostId }, { cpuNumber: 2, cpuSpeed: 1000, memory: 1024 })).toBe(true);
		let figures = await capacity({ zoneid: at.zoneId });
		expect(figures.CPU).toMatchObject({ capacityused: 2000, capacitytotal: 4000, percentused: "50" });
		expect(figures.MEMORY).toMatchObject({ capacityused: GiB, capacitytotal: 4 * GiB, percentused: "25" });

		// 3 more vCPUs × 1000 MHz would pass 4000: refused, nothing added.
		expect(await reserveHost(db, { id: hostId }, { cpuNumber: 3, cpuSpeed: 1000, memory: 128 })).toBe(false);
		// Memory alone can refuse too.
		expect(await reserveHost(db, { id: hostId }, { cpuNumber: 1, cpuSpeed: 100, memory: 4 * 1024 })).toBe(false);
		expect(await hostRow(hostId)).toMatchObject({ cpuAllocated: 2000, memoryAllocated: GiB });

		await releaseHost(db, hostId, { cpuNumber: 2, cpuSpeed: 1000, memory: 1024 });
		figures = await capacity({ zoneid: at.zoneId });
		expect(figures.CPU).toMatchObject({ capacityused: 0, percentused: "0" });
		expect(figures.MEMORY).toMatchObject({ capacityused: 0 });
		// A second release never goes below zero.
		await releaseHost(db, hostId, small);
		expect(await hostRow(hostId)).toMatchObject({ cpuAllocated: 0, memoryAllocated: 0 });
	});

	it("gives nothing on a host in maintenance, disabled or not Up", async () => {
		const at = await insertPlace();
		for (const fields of [{ resourceState: "Maintenance" }, { resourceState: "Disabled" }, { state: "Down" }]) {
			const hostId = await insertHost(at, fields);
			expect(await reserveHost(db, { id: hostId }, small), JSON.stringify(fields)).toBe(false);
			expect(await hostRow(hostId)).toMatchObject({ cpuAllocated: 0, memoryAllocated: 0 });
		}
	});

	it("never overfills under concurrent reservations", async () => {
		const at = await insertPlace();
		const hostId = await insertHost(at);
		const results = await Promise.all(Array.from({ length: 10 }, () => reserveHost(db, { id: hostId }, small)));
		expect(results.filter(Boolean)).toHaveLength(4);
		expect(await hostRow(hostId)).toMatchObject({ cpuAllocated: 4000, memoryAllocated: 4 * GiB });
		expect((await capacity({ zoneid: at.zoneId })).CPU).toMatchObject({ percentused: "100" });
	});

	it("scales limits and totals alike: the cluster's own ratio, else the global factor", async () => {
		const plain = await insertPlace();
		const plainHost = await insertHost(plain);
		const own = await insertPlace({ cpu: "3.0" });
		const ownHost = await insertHost(own);
		await setGlobal("cpu.overprovisioning.factor", "2");
		await setGlobal("mem.overprovisioning.factor", "1.5");
		try {
			// Global factor 2: 8 × 1000 MHz fit on a 4000 MHz host, and listCapacity shows 8000.
			const eight = { cpuNumber: 8, cpuSpeed: 1000, memory: 512 };
			expect(await reserveHost(db, { id: plainHost }, eight)).toBe(true);
			expect(await reserveHost(db, { id: plainHost }, small)).toBe(false);
			const figures = await capacity({ zoneid: plain.zoneId });
			expect(figures.CPU).toMatchObject({ capacitytotal: 8000, capacityused: 8000, percentused: "100" });
			expect(figures.MEMORY).toMatchObject({ capacitytotal: 6 * GiB });
			// The cluster's own 3.0 wins over the global 2.
			expect(await reserveHost(db, { id: ownHost }, { cpuNumber: 12, cpuSpeed: 1000, memory: 512 })).toBe(true);
			expect((await capacity({ zoneid: own.zoneId })).CPU).toMatchObject({ capacitytotal: 12_000 });
		} finally {
			await setGlobal("cpu.overprovisioning.factor", "1");
			await setGlobal("mem.overprovisioning.factor", "1");
		}
	});

	it("counts the vCPUs of placed instances as CPU_CORE used, per zone, pod and cluster", async () => {
		const at = await insertPlace();
		const hostId = await insertHost(at);
		const vm = (hostOnVm: string | null, cpuNumber: number, removed: number | null = null) => {
			const vmId = id();
			return db.insert(vmInstances).values({
				id: vmId,
				name: `VM-${vmId}`,
				displayName: "x",
				instanceName: `i-${vmId.replaceAll("-", "").slice(0, 12)}-VM`,
				accountId: world.alice.accountId,
				domainId: world.d1,
				userId: world.alice.userId,
				zoneId: at.zoneId,
				podId: at.podId,
				clusterId: at.clusterId,
				hostId: hostOnVm,
				serviceOfferingId: id(),
				cpuNumber,
				cpuSpeed: 500,
				memory: 256,
				state: hostOnVm ? "Running" : "Stopped",
				created: Date.now(),
				removed,
			});
		};
		await vm(hostId, 2);
		await vm(hostId, 1);
		await vm(null, 8); // stopped: holds no host
		await vm(hostId, 16, Date.now()); // expunged rows never count
		const scopes: Params[] = [{ zoneid: at.zoneId }, { podid: at.podId }, { clusterid: at.clusterId }];
		for (const params of scopes) {
			expect((await capacity(params)).CPU_CORE, JSON.stringify(params)).toMatchObject({
				capacitytotal: 4,
				capacityused: 3,
				percentused: "75",
			});
		}
	});
});

describe("pool reservations in listCapacity", () => {
	it("adds and releases volume bytes up to capacity × storage.overprovisioning.factor", async () => {
		const at = await insertPlace();
		const poolId = await insertPool(at, 10 * GiB);
		// The default factor is 2: 20 GiB of volumes fit on 10 GiB.
		expect(await reservePool(db, poolId, 15 * GiB)).toBe(true);
		expect(await reservePool(db, poolId, 5 * GiB)).toBe(true);
		expect(await reservePool(db, poolId, 1)).toBe(false);
		let allocated = (await capacity({ zoneid: at.zoneId })).STORAGE_ALLOCATED;
		expect(allocated).toMatchObject({ capacityused: 20 * GiB });
		await releasePool(db, poolId, 15 * GiB);
		allocated = (await capacity({ clusterid: at.clusterId })).STORAGE_ALLOCATED;
		expect(allocated).toMatchObject({ capacityused: 5 * GiB });
		const results = await Promise.all(Array.from({ length: 8 }, () => reservePool(db, poolId, 5 * GiB)));
		expect(results.filter(Boolean)).toHaveLength(3);
		const row = await db.select().from(storagePools).where(eq(storagePools.id, poolId)).get();
		expect(row?.allocatedBytes).toBe(20 * GiB);
	});

	it("gives nothing on a pool that is not Up", async () => {
		const at = await insertPlace();
		const poolId = await insertPool(at, 10 * GiB);
		await db.update(storagePools).set({ state: "Maintenance" }).where(eq(storagePools.id, poolId));
		expect(await reservePool(db, poolId, GiB)).toBe(false);
	});
});
