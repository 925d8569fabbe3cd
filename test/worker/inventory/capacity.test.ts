/**
 * listCapacity: figures per zone and type summed live from hosts, pools, image stores and guest
 * IPs; narrowing by pod and cluster; type, keyword and sortby=usage; a change to the sources shows
 * at once; the five-role access matrix; a zone with 5,000 clusters and 20,000 pools stays fast.
 * Infrastructure rows are inserted straight into D1 (hosts, usage and IP allocation come from
 * later issues; the pod command is another helper's).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { allocateGuestIp } from "../../../worker/src/db/repos/guest-ips";
import { clusters, guestIps, hosts, imageStores, pods, storagePools, zones } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import {
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

const GiB = 1024 ** 3;
const db = createDb(env.DB);
let world: World;
const now = Date.now();
let tick = 0;
const id = () => crypto.randomUUID();

async function insertZone(): Promise<{ id: string; name: string }> {
	const zone = { id: id(), name: unique("zone-") };
	tick += 1;
	await db.insert(zones).values({
		...zone,
		networkType: "Basic",
		dns1: "8.8.8.8",
		internalDns1: "10.0.0.2",
		created: now + tick,
	});
	return zone;
}

async function insertPod(zoneId: string): Promise<{ id: string; name: string }> {
	const pod = { id: id(), name: unique("pod-") };
	await db.insert(pods).values({
		...pod,
		zoneId,
		gateway: "10.0.0.1",
		netmask: "255.255.255.0",
		startIp: "10.0.0.10",
		endIp: "10.0.0.50",
		created: now,
	});
	return pod;
}

async function insertCluster(
	zoneId: string,
	podId: string,
	ratios: { cpu?: string; memory?: string } = {},
): Promise<{ id: string; name: string }> {
	const cluster = { id: id(), name: unique("cluster-") };
	await db.insert(clusters).values({
		...cluster,
		zoneId,
		podId,
		hypervisor: "KVM",
		clusterType: "CloudManaged",
		cpuOvercommitRatio: ratios.cpu ?? "1.0",
		memoryOvercommitRatio: ratios.memory ?? "1.0",
		created: now,
	});
	return cluster;
}

interface Place {
	zoneId: string;
	podId: string;
	clusterId: string;
}

async function insertHost(at: Place, figures: Partial<typeof hosts.$inferInsert>): Promise<void> {
	const hostId = id();
	// hosts_zone_url is unique: each host its own (simulated) libvirt URI.
	await db.insert(hosts).values({
		id: hostId,
		name: unique("host-"),
		...at,
		state: "Up",
		url: `sim://${hostId}`,
		created: now,
		...figures,
	});
}

async function insertPool(
	at: { zoneId: string; podId?: string; clusterId?: string },
	bytes: { capacity: number; used: number; allocated: number },
): Promise<string> {
	const poolId = id();
	await db.insert(storagePools).values({
		id: poolId,
		name: unique("pool-"),
		zoneId: at.zoneId,
		podId: at.podId ?? null,
		clusterId: at.clusterId ?? null,
		scope: at.clusterId ? "CLUSTER" : "ZONE",
		type: "NetworkFilesystem",
		host: "10.1.1.1",
		path: `/export/${poolId}`,
		url: `nfs://10.1.1.1/export/${poolId}`,
		capacityBytes: bytes.capacity,
		usedBytes: bytes.used,
		allocatedBytes: bytes.allocated,
		created: now,
	});
	return poolId;
}

async function insertImageStore(zoneId: string | null, capacity: number, used: number): Promise<void> {
	await db.insert(imageStores).values({
		id: id(),
		name: unique("store-"),
		zoneId,
		url: `nfs://10.2.2.2/secondary/${unique("s")}`,
		protocol: "nfs",
		provider: "NFS",
		scope: zoneId ? "ZONE" : "REGION",
		capacityBytes: capacity,
		usedBytes: used,
		created: now,
	});
}

/** `count` guest addresses 10.9.<octet>.1… of `networkId` in `podId`, the first `allocated` held. */
async function insertGuestIps(
	at: { zoneId: string; podId: string; networkId: string },
	octet: number,
	total: number,
	allocated: number,
): Promise<void> {
	const rangeId = id();
	const rows = Array.from({ length: total }, (_, i) => ({
		id: id(),
		rangeId,
		networkId: at.networkId,
		zoneId: at.zoneId,
		podId: at.podId,
		address: `10.9.${octet}.${i + 1}`,
		addressNum: (10 << 24) + (9 << 16) + (octet << 8) + i + 1,
		allocatedTo: i < allocated ? `nic-${i}` : null,
		allocated: i < allocated ? now : null,
	}));
	for (const row of rows) await db.insert(guestIps).values(row);
}

async function capacities(params: Params = {}): Promise<Obj[]> {
	return listItems(world.root, "listCapacity", "capacity", params);
}

function byType(items: Obj[]): Record<number, Obj> {
	return Object.fromEntries(items.map((c) => [c.type, c]));
}

/** Zone A: two pods (one cluster each, the first with CPU overcommit 2), hosts, pools, stores, IPs. */
const A = {} as {
	zone: { id: string; name: string };
	pod1: { id: string; name: string };
	pod2: { id: string; name: string };
	c1: { id: string; name: string };
	c2: { id: string; name: string };
	pool1: string;
	networkId: string;
};
/** Zone B: nothing in it but the region-wide image store every zone counts. */
let zoneB: { id: string; name: string };

beforeAll(async () => {
	world = await buildWorld();
	A.zone = await insertZone();
	zoneB = await insertZone();
	A.pod1 = await insertPod(A.zone.id);
	A.pod2 = await insertPod(A.zone.id);
	A.c1 = await insertCluster(A.zone.id, A.pod1.id, { cpu: "2.0" });
	A.c2 = await insertCluster(A.zone.id, A.pod2.id);
	const at1 = { zoneId: A.zone.id, podId: A.pod1.id, clusterId: A.c1.id };
	const at2 = { zoneId: A.zone.id, podId: A.pod2.id, clusterId: A.c2.id };
	await insertHost(at1, {
		cpuNumber: 4,
		cpuSpeed: 2000,
		memoryTotal: 16 * GiB,
		cpuAllocated: 3000,
		memoryAllocated: 4 * GiB,
	});
	await insertHost(at2, {
		cpuNumber: 8,
		cpuSpeed: 1000,
		memoryTotal: 32 * GiB,
		cpuAllocated: 2000,
		memoryAllocated: 8 * GiB,
	});
	A.pool1 = await insertPool(at1, { capacity: 1000, used: 250, allocated: 400 });
	await insertPool(at2, { capacity: 2000, used: 500, allocated: 1000 });
	await insertPool({ zoneId: A.zone.id }, { capacity: 1000, used: 100, allocated: 0 });
	await insertImageStore(A.zone.id, 10_000, 2500);
	await insertImageStore(null, 5000, 0);
	A.networkId = id();
	await insertGuestIps({ zoneId: A.zone.id, podId: A.pod1.id, networkId: A.networkId }, 1, 10, 3);
	await insertGuestIps({ zoneId: A.zone.id, podId: A.pod2.id, networkId: A.networkId }, 2, 5, 0);
});

describe("listCapacity per zone", () => {
	it("answers CloudStack's envelope with one item per type and zone", async () => {
		const result = await call(world.root, { command: "listCapacity" });
		expect(Object.keys(result.body)).toEqual(["listcapacityresponse"]);
		const body = ok(result, "listCapacity");
		expect(body.count).toBe(body.capacity.length);
		const zoneA = body.capacity.filter((c: Obj) => c.zoneid === A.zone.id);
		expect(zoneA.map((c: Obj) => c.type)).toEqual([0, 1, 2, 3, 6, 8, 90]);
		for (const c of zoneA) {
			expect(c.zonename).toBe(A.zone.name);
			expect(c.podid).toBeUndefined();
			expect(c.clusterid).toBeUndefined();
		}
	});

	it("sums hosts, pools, image stores and guest IPs with CloudStack's names and percentages", async () => {
		const figures = byType(await capacities({ zoneid: A.zone.id }));
		expect(figures[0]).toMatchObject({
			name: "MEMORY",
			capacitytotal: 48 * GiB,
			capacityused: 12 * GiB,
			capacityallocated: 12 * GiB,
			percentused: "25",
		});
		// 4 × 2000 MHz × overcommit 2 + 8 × 1000 MHz.
		expect(figures[1]).toMatchObject({ name: "CPU", capacitytotal: 24_000, capacityused: 5000, percentused: "20.83" });
		// Storage counts the zone-wide pool too.
		expect(figures[2]).toMatchObject({ name: "STORAGE", capacitytotal: 4000, capacityused: 850, percentused: "21.25" });
		// NFS pools take volumes up to capacity × storage.overprovisioning.factor (2).
		expect(figures[3]).toMatchObject({
			name: "STORAGE_ALLOCATED",
			capacitytotal: 8000,
			capacityused: 1400,
			percentused: "17.5",
		});
		// The zone's store plus the region-wide one.
		expect(figures[6]).toMatchObject({
			name: "SECONDARY_STORAGE",
			capacitytotal: 15_000,
			capacityused: 2500,
			percentused: "16.67",
		});
		expect(figures[8]).toMatchObject({
			name: "DIRECT_ATTACHED_PUBLIC_IP",
			capacitytotal: 15,
			capacityused: 3,
			percentused: "20",
		});
		expect(figures[90]).toMatchObject({ name: "CPU_CORE", capacitytotal: 12, capacityused: 0, percentused: "0" });
	});

	it("reports storage and secondary storage for a zone without any resources", async () => {
		const items = await capacities({ zoneid: zoneB.id });
		expect(items).toEqual([
			{
				type: 2,
				name: "STORAGE",
				zoneid: zoneB.id,
				zonename: zoneB.name,
				capacityallocated: 0,
				capacityused: 0,
				capacitytotal: 0,
				percentused: "0",
			},
			{
				type: 6,
				name: "SECONDARY_STORAGE",
				zoneid: zoneB.id,
				zonename: zoneB.name,
				capacityused: 0,
				capacitytotal: 5000,
				percentused: "0",
			},
		]);
	});

	it("filters by type and by keyword (the capacity name)", async () => {
		const allocated = await capacities({ type: "3" });
		expect(allocated.length).toBeGreaterThan(0);
		expect(allocated.every((c) => c.type === 3)).toBe(true);
		expect((await capacities({ zoneid: A.zone.id, keyword: "storage" })).map((c) => c.type)).toEqual([2, 3, 6]);
		expect(await capacities({ zoneid: zoneB.id, type: "0" })).toEqual([]);
	});

	it("pages the figures and counts them all", async () => {
		const body = ok(
			await call(world.root, { command: "listCapacity", zoneid: A.zone.id, pagesize: "3", page: "3" }),
			"listCapacity",
		);
		expect(body.count).toBe(7);
		expect(body.capacity.map((c: Obj) => c.type)).toEqual([90]);
	});

	it("sortby=usage orders by percentused, highest first", async () => {
		const items = await capacities({ sortby: "usage" });
		const shares = items.map((c) => Number(c.percentused));
		expect(shares).toEqual([...shares].sort((a, b) => b - a));
		expect(items[0]).toMatchObject({ zoneid: A.zone.id, type: 0, percentused: "25" });
		expect(await capacities({ sortby: "Usage", zoneid: zoneB.id })).toHaveLength(2);
	});

	it("refuses other sortby values and unknown or mismatched zone, pod and cluster", async () => {
		const list = (params: Params) => call(world.root, { command: "listCapacity", ...params });
		expectParamError(
			await list({ sortby: "name" }),
			"listCapacity",
			/Only value supported for sortBy parameter is : usage/,
		);
		expectParamError(await list({ zoneid: id() }), "listCapacity", /zoneid/);
		expectParamError(await list({ podid: id() }), "listCapacity", /podid/);
		expectParamError(await list({ clusterid: id() }), "listCapacity", /clusterid/);
		expectParamError(await list({ zoneid: zoneB.id, podid: A.pod1.id }), "listCapacity", /does not belong/);
		expectParamError(await list({ podid: A.pod1.id, clusterid: A.c2.id }), "listCapacity", /does not belong/);
		expectParamError(await list({ zoneid: zoneB.id, clusterid: A.c2.id }), "listCapacity", /does not belong/);
	});
});

describe("listCapacity narrowed", () => {
	it("by pod: the pod's hosts, pools and guest IPs, no secondary storage", async () => {
		const items = await capacities({ podid: A.pod1.id });
		expect(items.map((c) => c.type)).toEqual([0, 1, 2, 3, 8, 90]);
		for (const c of items) {
			expect(c).toMatchObject({ zoneid: A.zone.id, podid: A.pod1.id, podname: A.pod1.name });
			expect(c.clusterid).toBeUndefined();
		}
		const figures = byType(items);
		expect(figures[0]).toMatchObject({ capacitytotal: 16 * GiB, capacityused: 4 * GiB, percentused: "25" });
		expect(figures[1]).toMatchObject({ capacitytotal: 16_000, capacityused: 3000, percentused: "18.75" });
		// The zone-wide pool belongs to no pod.
		expect(figures[2]).toMatchObject({ capacitytotal: 1000, capacityused: 250 });
		expect(figures[3]).toMatchObject({ capacitytotal: 2000, capacityused: 400, percentused: "20" });
		expect(figures[8]).toMatchObject({ capacitytotal: 10, capacityused: 3, percentused: "30" });
		expect(figures[90]).toMatchObject({ capacitytotal: 4 });
		expect(await capacities({ zoneid: A.zone.id, podid: A.pod1.id })).toEqual(items);
	});

	it("by cluster: the cluster's hosts and pools with pod and cluster names, no IPs", async () => {
		const items = await capacities({ clusterid: A.c2.id });
		expect(items.map((c) => c.type)).toEqual([0, 1, 2, 3, 90]);
		for (const c of items) {
			expect(c).toMatchObject({
				zoneid: A.zone.id,
				zonename: A.zone.name,
				podid: A.pod2.id,
				podname: A.pod2.name,
				clusterid: A.c2.id,
				clustername: A.c2.name,
			});
		}
		const figures = byType(items);
		expect(figures[0]).toMatchObject({ capacitytotal: 32 * GiB, capacityused: 8 * GiB });
		expect(figures[1]).toMatchObject({ capacitytotal: 8000, capacityused: 2000, percentused: "25" });
		expect(figures[3]).toMatchObject({ capacitytotal: 4000, capacityused: 1000, percentused: "25" });
	});

	it("a pod without pools still reports STORAGE as 0 of 0", async () => {
		const empty = await insertPod(A.zone.id);
		expect(await capacities({ podid: empty.id })).toEqual([
			expect.objectContaining({ type: 2, podid: empty.id, capacitytotal: 0, percentused: "0" }),
		]);
	});
});

describe("listCapacity follows changes to its sources", () => {
	it("an allocated guest IP and a pool's new used bytes show on the next call", async () => {
		const zone = await insertZone();
		const pod = await insertPod(zone.id);
		const cluster = await insertCluster(zone.id, pod.id);
		const networkId = id();
		const poolId = await insertPool(
			{ zoneId: zone.id, podId: pod.id, clusterId: cluster.id },
			{ capacity: 800, used: 100, allocated: 0 },
		);
		await insertGuestIps({ zoneId: zone.id, podId: pod.id, networkId }, 3, 4, 1);
		let figures = byType(await capacities({ zoneid: zone.id }));
		expect(figures[8]).toMatchObject({ capacityused: 1, capacitytotal: 4, percentused: "25" });
		expect(figures[2]).toMatchObject({ capacityused: 100, percentused: "12.5" });

		await allocateGuestIp(db, { networkId, owner: "nic-new" });
		await db.update(storagePools).set({ usedBytes: 600 }).where(eq(storagePools.id, poolId));
		figures = byType(await capacities({ zoneid: zone.id }));
		expect(figures[8]).toMatchObject({ capacityused: 2, capacitytotal: 4, percentused: "50" });
		expect(figures[2]).toMatchObject({ capacityused: 600, percentused: "75" });

		await insertHost(
			{ zoneId: zone.id, podId: pod.id, clusterId: cluster.id },
			{ cpuNumber: 2, cpuSpeed: 1500, memoryTotal: GiB, memoryAllocated: GiB / 2 },
		);
		figures = byType(await capacities({ zoneid: zone.id }));
		expect(figures[0]).toMatchObject({ capacitytotal: GiB, capacityused: GiB / 2, percentused: "50" });
		expect(figures[1]).toMatchObject({ capacitytotal: 3000, capacityused: 0, percentused: "0" });
	});
});

const matrix: Record<string, CommandMatrix> = {
	listCapacity: {
		RootAdmin: [
			{
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listCapacity", zoneid: A.zone.id }),
				verify: (_w, r) => expect(r.body.listcapacityresponse.count).toBe(7),
			},
		],
		ReadOnlyAdmin: [
			{
				scenario: "sees the same figures",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listCapacity", zoneid: A.zone.id }),
				verify: (_w, r) => expect(r.body.listcapacityresponse.count).toBe(7),
			},
		],
		ResourceAdmin: [unavailable("listCapacity")],
		DomainAdmin: [unavailable("listCapacity")],
		User: [unavailable("listCapacity", { zoneid: "x" })],
	},
};
describeMatrix("listCapacity access", () => world, matrix);

describe("listCapacity at scale", () => {
	it("one zone with 5,000 clusters and 20,000 pools answers quickly", async () => {
		const zone = await insertZone();
		const pod = await insertPod(zone.id);
		// Generated inside SQLite: no bound parameters, one statement per table.
		await env.DB.batch([
			env.DB.prepare(
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
				 INSERT INTO clusters (id, zone_id, pod_id, name, hypervisor, cluster_type, created)
				 SELECT printf('%08x-0000-4000-8000-%012x', 1, i), ?1, ?2, 'bulk-' || i, 'KVM', 'CloudManaged', ?3 FROM n`,
			).bind(zone.id, pod.id, now),
			env.DB.prepare(
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
				 INSERT INTO storage_pools (id, name, zone_id, pod_id, cluster_id, scope, type, host, path, url,
				   capacity_bytes, used_bytes, allocated_bytes, created)
				 SELECT printf('%08x-0000-4000-8000-%012x', 2, i), 'bulk-' || i, ?1, ?2,
				   printf('%08x-0000-4000-8000-%012x', 1, 1 + i % 5000), 'CLUSTER',
				   'NetworkFilesystem', '10.3.3.3', '/p' || i, 'nfs://10.3.3.3/p' || i, 1000, 10, 20, ?3 FROM n`,
			).bind(zone.id, pod.id, now),
			env.DB.prepare(
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
				 INSERT INTO hosts (id, name, zone_id, pod_id, cluster_id, state, cpu_number, cpu_speed,
				   memory_total, cpu_allocated, memory_allocated, url, created)
				 SELECT printf('%08x-0000-4000-8000-%012x', 3, i), 'bulk-' || i, ?1, ?2,
				   printf('%08x-0000-4000-8000-%012x', 1, i), 'Up', 2, 1000, 1000, 500, 250, 'sim://bulk-' || i, ?3 FROM n`,
			).bind(zone.id, pod.id, now),
		]);
		const started = performance.now();
		const figures = byType(await capacities({ zoneid: zone.id }));
		const elapsed = performance.now() - started;
		expect(figures[2]).toMatchObject({ capacitytotal: 20_000_000, capacityused: 200_000, percentused: "1" });
		expect(figures[3]).toMatchObject({ capacitytotal: 40_000_000, capacityused: 400_000, percentused: "1" });
		expect(figures[1]).toMatchObject({ capacitytotal: 10_000_000, capacityused: 2_500_000, percentused: "25" });
		expect(elapsed).toBeLessThan(1000);
		const started2 = performance.now();
		const one = byType(await capacities({ clusterid: "00000001-0000-4000-8000-000000000007" }));
		expect(performance.now() - started2).toBeLessThan(500);
		expect(one[2]).toMatchObject({ capacitytotal: 4000, capacityused: 40 });
	});
});
