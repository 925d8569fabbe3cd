/**
 * Primary storage: createStoragePool listStoragePools updateStoragePool deleteStoragePool
 * enableStorageMaintenance cancelStorageMaintenance listStorageProviders — the happy paths, each
 * rule and refusal, events, paging and filters, and the five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectNotAvailable,
	expectParamError,
	jobResult,
	listItems,
	ok,
	ROLES,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let tree: { zone: Obj; pod: Obj; cluster: Obj };
/** A second zone with its own pod and cluster, for foreign references. */
let other: { zone: Obj; pod: Obj; cluster: Obj };

beforeAll(async () => {
	world = await buildWorld();
	tree = await createTree(world);
	other = await createTree(world);
});

let serial = 0;
/** A distinct NFS url each call. */
function nfsUrl(): string {
	serial += 1;
	return `nfs://10.1.1.${serial % 250}/export/primary${serial}`;
}

function poolParams(extra: Params = {}): Params {
	return {
		command: "createStoragePool",
		name: unique("pool-"),
		url: nfsUrl(),
		zoneid: tree.zone.id,
		podid: tree.pod.id,
		clusterid: tree.cluster.id,
		...extra,
	};
}

async function createPool(extra: Params = {}): Promise<Obj> {
	return ok(await call(world.root, poolParams(extra)), "createStoragePool").storagepool;
}

async function listPools(params: Params = {}, actor: Actor = world.root): Promise<Obj[]> {
	return listItems(actor, "listStoragePools", "storagepool", params);
}

async function poolById(id: string): Promise<Obj | undefined> {
	return (await listPools({ id }))[0];
}

async function poolCount(): Promise<number> {
	return ok(await call(world.root, { command: "listStoragePools", pagesize: "1" }), "listStoragePools").count ?? 0;
}

/** Envelope stems of the maintenance commands (CloudStack's responseName without "response"). */
const ENVELOPE_OF: Record<string, string> = {
	enableStorageMaintenance: "prepareprimarystorageformaintenance",
	cancelStorageMaintenance: "cancelprimarystoragemaintenance",
};

/** runJob for the maintenance commands, whose envelopes differ from their names. */
async function runPoolJob(command: string, id: string, actor: Actor = world.root): Promise<Obj> {
	const job = await jobResult(actor, await call(actor, { command, id }), ENVELOPE_OF[command] ?? command);
	expect(job.jobstatus, JSON.stringify(job)).toBe(1);
	expect(job.jobresultcode).toBe(0);
	return job.jobresult;
}

async function eventsOf(type: string, resourceId: string): Promise<Obj[]> {
	const events = await listItems(world.root, "listEvents", "event", { type, listall: "true" });
	return events.filter((e: Obj) => e.resourceid === resourceId);
}

/** A resource tag on a pool, written straight into D1 (the tags commands are another family's). */
async function tagPool(poolId: string, key: string, value: string): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created) VALUES (?, ?, ?, 'Storage', ?, ?, ?, ?)",
	)
		.bind(crypto.randomUUID(), key, value, poolId, world.root.accountId, world.root.domainId, Date.now())
		.run();
}

describe("createStoragePool", () => {
	it("creates a cluster-scoped NFS pool that is Up, with CloudStack's fields", async () => {
		const name = unique("nfs-");
		const result = await call(world.root, poolParams({ name, url: "nfs://192.168.7.10/export/primary/" }));
		expect(Object.keys(result.body)).toEqual(["createstoragepoolresponse"]);
		const pool = ok(result, "createStoragePool").storagepool;
		expect(pool).toMatchObject({
			name,
			zoneid: tree.zone.id,
			zonename: tree.zone.name,
			podid: tree.pod.id,
			podname: tree.pod.name,
			clusterid: tree.cluster.id,
			clustername: tree.cluster.name,
			type: "NetworkFilesystem",
			scope: "CLUSTER",
			state: "Up",
			ipaddress: "192.168.7.10",
			path: "/export/primary",
			provider: "DefaultPrimary",
			hypervisor: "KVM",
			disksizetotal: 0,
			disksizeallocated: 0,
			disksizeused: 0,
			overprovisionfactor: "2.0",
			managed: false,
		});
		expect(pool.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(pool.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
		expect(pool).not.toHaveProperty("tags");
		expect(pool).not.toHaveProperty("capacityiops");
		expect(await poolById(pool.id)).toEqual(pool);
	});

	it("stores capacity, IOPS and normalised storage tags", async () => {
		const pool = await createPool({ capacitybytes: "1099511627776", capacityiops: "5000", tags: " ssd , fast,,ssd " });
		expect(pool.capacitybytes).toBe(1099511627776);
		expect(pool.disksizetotal).toBe(1099511627776);
		expect(pool.capacityiops).toBe(5000);
		expect(pool.tags).toBe("ssd,fast");
		expect((await poolById(pool.id)).tags).toBe("ssd,fast");
	});

	it("accepts SharedMountPoint urls in any case of the scheme", async () => {
		const a = await createPool({ url: "SharedMountPoint://localhost/mnt/shared-a" });
		expect(a).toMatchObject({ type: "SharedMountPoint", ipaddress: "localhost", path: "/mnt/shared-a" });
		const b = await createPool({ url: "sharedmountpoint:///mnt/shared-b" });
		expect(b).toMatchObject({ type: "SharedMountPoint", ipaddress: "localhost", path: "/mnt/shared-b" });
		expect(b.overprovisionfactor).toBe("1.0");
	});

	it("shows storage.overprovisioning.factor on NFS pools, the one the planner uses", async () => {
		const pool = await createPool();
		const set = (value: string) =>
			call(world.root, { command: "updateConfiguration", name: "storage.overprovisioning.factor", value });
		ok(await set("1.5"), "updateConfiguration");
		try {
			expect((await poolById(pool.id)).overprovisionfactor).toBe("1.5");
		} finally {
			ok(await set(""), "updateConfiguration");
		}
		expect((await poolById(pool.id)).overprovisionfactor).toBe("2.0");
	});

	it("maps file:// to CloudStack's Filesystem type", async () => {
		const pool = await createPool({ url: "file://localhost/var/lib/libvirt/images" });
		expect(pool).toMatchObject({ type: "Filesystem", ipaddress: "localhost", path: "/var/lib/libvirt/images" });
	});

	it("creates a zone-wide KVM pool without pod or cluster", async () => {
		const pool = await createPool({ scope: "zone", hypervisor: "kvm", podid: "", clusterid: "" });
		expect(pool).toMatchObject({ scope: "ZONE", hypervisor: "KVM", zoneid: tree.zone.id, state: "Up" });
		expect(pool).not.toHaveProperty("podid");
		expect(pool).not.toHaveProperty("clusterid");
	});

	it("writes STORAGE.POOL.CREATE", async () => {
		const pool = await createPool();
		const [event] = await eventsOf("STORAGE.POOL.CREATE", pool.id);
		expect(event).toMatchObject({ resourcetype: "StoragePool", resourcename: pool.name, level: "INFO" });
		expect(event.description).toContain(pool.name);
	});

	const badUrls: [string, RegExp][] = [
		["/export/primary", /scheme is null/],
		["192.168.1.1:/export", /scheme is null/],
		["nfs:/server/export", /is not a valid uri/],
		["rbd://monitor/pool", /Unsupported storage pool protocol: rbd/],
		["nfs://server", /host or path is null/],
		["nfs:///export", /host or path is null/],
		["nfs://server/", /host or path is null/],
		["SharedMountPoint://localhost", /path of .* is missing/],
		["nfs://bad host/x", /not a valid host/],
	];
	for (const [url, text] of badUrls) {
		it(`refuses the url ${url} with 431`, async () => {
			const before = await poolCount();
			expectParamError(await call(world.root, poolParams({ url })), "createStoragePool", text);
			expect(await poolCount()).toBe(before);
		});
	}

	it("requires name, url and zoneid", async () => {
		for (const missing of ["name", "url", "zoneid"]) {
			const params = poolParams();
			delete params[missing];
			expectParamError(await call(world.root, params), "createStoragePool", new RegExp(missing));
		}
	});

	it("refuses a missing zone, pod or cluster", async () => {
		const ghost = "00000000-0000-4000-8000-00000000dead";
		for (const param of ["zoneid", "podid", "clusterid"]) {
			expectParamError(
				await call(world.root, poolParams({ [param]: ghost })),
				"createStoragePool",
				new RegExp(`Invalid parameter ${param} value=${ghost}`),
			);
		}
	});

	it("refuses a pod of another zone and a cluster of another pod", async () => {
		expectParamError(
			await call(world.root, poolParams({ podid: other.pod.id, clusterid: other.cluster.id })),
			"createStoragePool",
			/does not belong to zone/,
		);
		expectParamError(
			await call(world.root, poolParams({ clusterid: other.cluster.id })),
			"createStoragePool",
			/does not belong to pod/,
		);
	});

	it("needs podid and clusterid for scope cluster", async () => {
		expectParamError(
			await call(world.root, poolParams({ clusterid: "" })),
			"createStoragePool",
			/Cluster id can not be null/,
		);
		expectParamError(await call(world.root, poolParams({ podid: "" })), "createStoragePool", /requires pod id/);
	});

	it("needs hypervisor KVM for scope zone, and no pod or cluster", async () => {
		const zoneWide = { scope: "ZONE", podid: "", clusterid: "" };
		expectParamError(
			await call(world.root, poolParams(zoneWide)),
			"createStoragePool",
			/Hypervisor type is required to create zone wide primary storage/,
		);
		expectParamError(
			await call(world.root, poolParams({ ...zoneWide, hypervisor: "VMware" })),
			"createStoragePool",
			/zone wide storage pool is not supported for hypervisor type VMware/,
		);
		expectParamError(
			await call(world.root, poolParams({ scope: "zone", hypervisor: "KVM" })),
			"createStoragePool",
			/cluster-scoped pools only/,
		);
	});

	it("refuses an unknown scope, provider, managed=true and negative capacity", async () => {
		expectParamError(await call(world.root, poolParams({ scope: "host" })), "createStoragePool", /invalid scope/);
		expectParamError(
			await call(world.root, poolParams({ provider: "SolidFire" })),
			"createStoragePool",
			/can't find storage provider: SolidFire/,
		);
		expectParamError(await call(world.root, poolParams({ managed: "true" })), "createStoragePool", /managed/);
		expectParamError(await call(world.root, poolParams({ capacitybytes: "-1" })), "createStoragePool", /negative/);
		const pool = await createPool({ provider: "defaultprimary", managed: "false" });
		expect(pool.provider).toBe("DefaultPrimary");
	});

	it("keeps names unique within a zone, case-insensitively", async () => {
		const name = unique("same-");
		await createPool({ name });
		const before = await poolCount();
		expectParamError(
			await call(world.root, poolParams({ name: name.toUpperCase() })),
			"createStoragePool",
			/already exists in zone/,
		);
		expect(await poolCount()).toBe(before);
		const elsewhere = await createPool({
			name,
			zoneid: other.zone.id,
			podid: other.pod.id,
			clusterid: other.cluster.id,
		});
		expect(elsewhere.zoneid).toBe(other.zone.id);
	});

	it("refuses the same server and path twice in a zone", async () => {
		await createPool({ url: "nfs://nas.example.com/export/dup" });
		expectParamError(
			await call(world.root, poolParams({ url: "NFS://NAS.example.com/export/dup/" })),
			"createStoragePool",
			/Storage pool nfs:\/\/nas.example.com\/export\/dup already exists in zone/,
		);
		const elsewhere = await createPool({
			url: "nfs://nas.example.com/export/dup",
			zoneid: other.zone.id,
			podid: other.pod.id,
			clusterid: other.cluster.id,
		});
		expect(elsewhere.ipaddress).toBe("nas.example.com");
	});
});

describe("listStoragePools", () => {
	let zone: Obj;
	let podA: Obj;
	let clusterA: Obj;
	let clusterB: Obj;
	let pools: Obj[];

	beforeAll(async () => {
		const t1 = await createTree(world);
		zone = t1.zone;
		podA = t1.pod;
		clusterA = t1.cluster;
		const t2 = await createTree(world);
		clusterB = t2.cluster;
		const at = (cluster: Obj, pod: Obj, extra: Params) =>
			createPool({ zoneid: zone.id, podid: pod.id, clusterid: cluster.id, ...extra });
		pools = [
			await at(clusterA, podA, { name: "Gold-1", url: "nfs://10.9.0.1/gold", tags: "gold" }),
			await at(clusterA, podA, { name: "silver-1", url: "nfs://10.9.0.2/silver" }),
			await at(clusterA, podA, { name: "mount-1", url: "SharedMountPoint://localhost/mnt/m1" }),
			await createPool({
				zoneid: zone.id,
				scope: "zone",
				hypervisor: "KVM",
				podid: "",
				clusterid: "",
				name: "zonewide-1",
				url: "nfs://10.9.0.3/zw",
			}),
		];
		// clusterB belongs to another zone; a pool there must not show under this zone.
		pools.push(
			await createPool({
				zoneid: t2.zone.id,
				podid: t2.pod.id,
				clusterid: clusterB.id,
				name: "Gold-1",
				url: "nfs://10.9.0.1/gold",
			}),
		);
	});

	const names = (items: Obj[]) => items.map((p) => p.name);

	it("lists oldest first with count = total matches", async () => {
		const body = ok(await call(world.root, { command: "listStoragePools", zoneid: zone.id }), "listStoragePools");
		expect(body.count).toBe(4);
		expect(names(body.storagepool)).toEqual(["Gold-1", "silver-1", "mount-1", "zonewide-1"]);
	});

	it("pages with page/pagesize while count stays the total", async () => {
		const page2 = ok(
			await call(world.root, { command: "listStoragePools", zoneid: zone.id, page: "2", pagesize: "3" }),
			"listStoragePools",
		);
		expect(page2.count).toBe(4);
		expect(names(page2.storagepool)).toEqual(["zonewide-1"]);
		const past = ok(
			await call(world.root, { command: "listStoragePools", zoneid: zone.id, page: "3", pagesize: "3" }),
			"listStoragePools",
		);
		expect(past).toEqual({ count: 4 });
		expectParamError(
			await call(world.root, { command: "listStoragePools", pagesize: "501" }),
			"listStoragePools",
			/Page size/,
		);
	});

	it("filters by id, ids, pod, cluster, scope, type fields and keyword", async () => {
		const [gold, silver, mount, zonewide] = pools;
		expect(names(await listPools({ id: silver.id }))).toEqual(["silver-1"]);
		expect(names(await listPools({ ids: `${gold.id},${mount.id}` }))).toEqual(["Gold-1", "mount-1"]);
		expect(names(await listPools({ podid: podA.id }))).toEqual(["Gold-1", "silver-1", "mount-1"]);
		expect(names(await listPools({ clusterid: clusterA.id }))).toEqual(["Gold-1", "silver-1", "mount-1"]);
		expect(names(await listPools({ clusterid: clusterB.id }))).toEqual(["Gold-1"]);
		expect(names(await listPools({ zoneid: zone.id, scope: "zone" }))).toEqual([zonewide.name]);
		expect(names(await listPools({ zoneid: zone.id, scope: "CLUSTER" }))).toHaveLength(3);
		expect(names(await listPools({ zoneid: zone.id, ipaddress: "10.9.0.2" }))).toEqual(["silver-1"]);
		expect(names(await listPools({ zoneid: zone.id, path: "/mnt/m1" }))).toEqual(["mount-1"]);
		expect(names(await listPools({ zoneid: zone.id, keyword: "ILVER" }))).toEqual(["silver-1"]);
		expect(names(await listPools({ zoneid: zone.id, status: "up" }))).toHaveLength(4);
		expect(await listPools({ zoneid: zone.id, status: "Maintenance" })).toEqual([]);
		expectParamError(
			await call(world.root, { command: "listStoragePools", scope: "galaxy" }),
			"listStoragePools",
			/scope/,
		);
	});

	it("filters by hostid: the pools of the host's cluster and its zone's zone-wide pools", async () => {
		const hostId = crypto.randomUUID();
		// Hosts arrive with the relay agent issue (addHost); one row stands in for a KVM host here.
		await env.DB.prepare(
			"INSERT INTO hosts (id, name, zone_id, pod_id, cluster_id, created) VALUES (?, 'kvm-1', ?, ?, ?, ?)",
		)
			.bind(hostId, zone.id, podA.id, clusterA.id, Date.now())
			.run();
		expect(names(await listPools({ hostid: hostId }))).toEqual(["Gold-1", "silver-1", "mount-1", "zonewide-1"]);
		expectParamError(
			await call(world.root, { command: "listStoragePools", hostid: "00000000-0000-4000-8000-0000000000aa" }),
			"listStoragePools",
			/Invalid parameter hostid/,
		);
	});

	it("matches names case-insensitively", async () => {
		const found = await listPools({ name: "gold-1" });
		expect(found.map((p) => p.id)).toEqual([pools[0].id, pools[4].id]);
		expect(names(await listPools({ name: "GOLD-1", zoneid: zone.id }))).toEqual(["Gold-1"]);
	});

	it("filters by resource tags (tags[0].key/value) and keeps `tags` as the storage tags", async () => {
		const [gold, silver] = pools;
		await tagPool(gold.id, "tier", "fast");
		await tagPool(silver.id, "tier", "slow");
		await tagPool(silver.id, "owner", "ops");
		const fast = await listPools({ "tags[0].key": "tier", "tags[0].value": "fast" });
		expect(fast.map((p) => p.id)).toEqual([gold.id]);
		expect(fast[0].tags).toBe("gold");
		const both = await listPools({
			"tags[0].key": "tier",
			"tags[0].value": "slow",
			"tags[1].key": "owner",
			"tags[1].value": "ops",
		});
		expect(both.map((p) => p.id)).toEqual([silver.id]);
		expect(await listPools({ "tags[0].key": "tier", "tags[0].value": "fast", "tags[1].key": "owner" })).toEqual([]);
	});

	it("answers CloudStack's empty list as {}", async () => {
		const result = await call(world.root, { command: "listStoragePools", name: "no-such-pool" });
		expect(result.body).toEqual({ liststoragepoolsresponse: {} });
	});

	it("refuses a malformed id", async () => {
		expectParamError(await call(world.root, { command: "listStoragePools", id: "nope" }), "listStoragePools");
	});
});

describe("updateStoragePool", () => {
	it("renames and replaces storage tags and capacity", async () => {
		const pool = await createPool({ tags: "a,b" });
		const name = unique("renamed-");
		const updated = ok(
			await call(world.root, {
				command: "updateStoragePool",
				id: pool.id,
				name,
				tags: "ssd, nvme ,ssd",
				capacitybytes: "2048",
				capacityiops: "100",
			}),
			"updateStoragePool",
		).storagepool;
		expect(updated).toMatchObject({
			id: pool.id,
			name,
			tags: "ssd,nvme",
			capacitybytes: 2048,
			capacityiops: 100,
			state: "Up",
		});
		expect(await poolById(pool.id)).toEqual(updated);
		const [event] = await eventsOf("STORAGE.POOL.UPDATE", pool.id);
		expect(event.resourcename).toBe(name);
	});

	it("clears storage tags with a list of no tags (tags=,)", async () => {
		// The shared parameter parser treats an empty list value (tags=) as absent.
		const pool = await createPool({ tags: "gone" });
		const updated = ok(
			await call(world.root, { command: "updateStoragePool", id: pool.id, tags: "," }),
			"updateStoragePool",
		);
		expect(updated.storagepool).not.toHaveProperty("tags");
	});

	it("disables (DISABLE.PS) and enables (ENABLE.PS), refusing the same state twice", async () => {
		const pool = await createPool();
		const off = ok(
			await call(world.root, { command: "updateStoragePool", id: pool.id, enabled: "false" }),
			"updateStoragePool",
		);
		expect(off.storagepool.state).toBe("Disabled");
		expect((await poolById(pool.id)).state).toBe("Disabled");
		expect(await eventsOf("DISABLE.PS", pool.id)).toHaveLength(1);
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: pool.id, enabled: "false" }),
			"updateStoragePool",
			new RegExp(`Primary storage with id ${pool.id} cannot be disabled. Storage pool state : Disabled`),
		);
		const on = ok(
			await call(world.root, { command: "updateStoragePool", id: pool.id, enabled: "true" }),
			"updateStoragePool",
		);
		expect(on.storagepool.state).toBe("Up");
		expect(await eventsOf("ENABLE.PS", pool.id)).toHaveLength(1);
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: pool.id, enabled: "true" }),
			"updateStoragePool",
			/cannot be enabled. Storage pool state : Up/,
		);
	});

	it("refuses a name another pool of the zone has, and leaves the pool unchanged", async () => {
		const a = await createPool();
		const b = await createPool({ tags: "keep" });
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: b.id, name: a.name, tags: "changed" }),
			"updateStoragePool",
			/already exists in zone/,
		);
		expect(await poolById(b.id)).toEqual(b);
	});

	it("refuses negative capacity and a missing pool", async () => {
		const pool = await createPool();
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: pool.id, capacitybytes: "-5" }),
			"updateStoragePool",
			/negative/,
		);
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: "00000000-0000-4000-8000-00000000beef" }),
			"updateStoragePool",
			/Invalid parameter id/,
		);
	});

	it("changes the url only in maintenance, keeping the type and refusing a duplicate location", async () => {
		const pool = await createPool();
		const taken = await createPool();
		const url = "nfs://10.77.0.1/moved";
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: pool.id, url }),
			"updateStoragePool",
			/only be changed while the pool is in Maintenance \(it is Up\)/,
		);
		await runPoolJob("enableStorageMaintenance", pool.id);
		expectParamError(
			await call(world.root, { command: "updateStoragePool", id: pool.id, url: "SharedMountPoint://localhost/mnt/x" }),
			"updateStoragePool",
			/keep the pool's type NetworkFilesystem/,
		);
		expectParamError(
			await call(world.root, {
				command: "updateStoragePool",
				id: pool.id,
				url: `nfs://${taken.ipaddress}${taken.path}`,
			}),
			"updateStoragePool",
			/already exists in zone/,
		);
		const moved = ok(await call(world.root, { command: "updateStoragePool", id: pool.id, url }), "updateStoragePool");
		expect(moved.storagepool).toMatchObject({ ipaddress: "10.77.0.1", path: "/moved", state: "Maintenance" });
	});
});

describe("deleteStoragePool", () => {
	it("deletes the pool and its resource tags, writing STORAGE.POOL.DELETE", async () => {
		const pool = await createPool();
		await tagPool(pool.id, "k", "v");
		const result = await call(world.root, { command: "deleteStoragePool", id: pool.id, forced: "false" });
		expect(result.body).toEqual({ deletestoragepoolresponse: { success: true } });
		expect(await poolById(pool.id)).toBeUndefined();
		const left = await env.DB.prepare("SELECT count(*) AS n FROM resource_tags WHERE resource_id = ?")
			.bind(pool.id)
			.first();
		expect(left?.n).toBe(0);
		const [event] = await eventsOf("STORAGE.POOL.DELETE", pool.id);
		expect(event.resourcename).toBe(pool.name);
	});

	it("frees the name and the location for a new pool", async () => {
		const pool = await createPool();
		ok(await call(world.root, { command: "deleteStoragePool", id: pool.id }), "deleteStoragePool");
		const again = await createPool({ name: pool.name, url: `nfs://${pool.ipaddress}${pool.path}` });
		expect(again.id).not.toBe(pool.id);
	});

	it("refuses a missing pool with 431", async () => {
		expectParamError(
			await call(world.root, { command: "deleteStoragePool", id: "00000000-0000-4000-8000-00000000f00d" }),
			"deleteStoragePool",
			/Invalid parameter id/,
		);
	});
});

describe("enableStorageMaintenance / cancelStorageMaintenance", () => {
	it("answers {jobid} in CloudStack's envelopes; the job result is the pool", async () => {
		const pool = await createPool();
		const started = await call(world.root, { command: "enableStorageMaintenance", id: pool.id });
		expect(started.status).toBe(200);
		expect(Object.keys(started.body)).toEqual(["prepareprimarystorageformaintenanceresponse"]);
		const { jobid } = started.body.prepareprimarystorageformaintenanceresponse;
		expect(jobid).toMatch(/^[0-9a-f-]{36}$/);
		const job = ok(await call(world.root, { command: "queryAsyncJobResult", jobid }), "queryAsyncJobResult");
		expect(job).toMatchObject({
			jobstatus: 1,
			jobresultcode: 0,
			cmd: "org.apache.cloudstack.api.command.admin.storage.PreparePrimaryStorageForMaintenanceCmd",
			jobinstancetype: "StoragePool",
			jobinstanceid: pool.id,
		});
		expect(job.jobresult.storagepool).toMatchObject({ id: pool.id, state: "Maintenance", name: pool.name });
		expect((await poolById(pool.id)).state).toBe("Maintenance");
		expect(await eventsOf("MAINT.PREPARE.PS", pool.id)).toHaveLength(1);

		const cancel = await call(world.root, { command: "cancelStorageMaintenance", id: pool.id });
		expect(Object.keys(cancel.body)).toEqual(["cancelprimarystoragemaintenanceresponse"]);
		const cancelJob = ok(
			await call(world.root, {
				command: "queryAsyncJobResult",
				jobid: cancel.body.cancelprimarystoragemaintenanceresponse.jobid,
			}),
			"queryAsyncJobResult",
		);
		expect(cancelJob.cmd).toBe("org.apache.cloudstack.api.command.admin.storage.CancelPrimaryStorageMaintenanceCmd");
		expect(cancelJob.jobresult.storagepool.state).toBe("Up");
		expect((await poolById(pool.id)).state).toBe("Up");
		expect(await eventsOf("MAINT.CANCEL.PS", pool.id)).toHaveLength(1);
	});

	it("refuses maintenance for a pool that is not Up (431, CloudStack's text)", async () => {
		const pool = await createPool();
		await runPoolJob("enableStorageMaintenance", pool.id);
		const again = await call(world.root, { command: "enableStorageMaintenance", id: pool.id });
		expect(again.status).toBe(431);
		expect(again.body.prepareprimarystorageformaintenanceresponse.errortext).toBe(
			`Primary storage with id ${pool.id} is not ready for migration, as the status is:Maintenance`,
		);
		const disabled = await createPool();
		ok(
			await call(world.root, { command: "updateStoragePool", id: disabled.id, enabled: "false" }),
			"updateStoragePool",
		);
		expect((await call(world.root, { command: "enableStorageMaintenance", id: disabled.id })).status).toBe(431);
	});

	it("keeps a pool in maintenance from being enabled or disabled", async () => {
		const pool = await createPool();
		await runPoolJob("enableStorageMaintenance", pool.id);
		for (const enabled of ["true", "false"]) {
			expectParamError(
				await call(world.root, { command: "updateStoragePool", id: pool.id, enabled }),
				"updateStoragePool",
				/Storage pool state : Maintenance/,
			);
		}
	});

	it("fails the cancel job (534) for a pool that is not in maintenance", async () => {
		const pool = await createPool();
		const job = await jobResult(
			world.root,
			await call(world.root, { command: "cancelStorageMaintenance", id: pool.id }),
			"cancelprimarystoragemaintenance",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresultcode).toBe(534);
		expect(job.jobresult.errortext).toBe(
			`Primary storage with id ${pool.id} is not ready to complete migration, as the status is:Up`,
		);
		expect((await poolById(pool.id)).state).toBe("Up");
		expect(await eventsOf("MAINT.CANCEL.PS", pool.id)).toHaveLength(0);
	});

	it("refuses a missing pool with 431", async () => {
		const result = await call(world.root, {
			command: "enableStorageMaintenance",
			id: "00000000-0000-4000-8000-00000000abcd",
		});
		expect(result.status).toBe(431);
		expect(result.body.prepareprimarystorageformaintenanceresponse.errortext).toMatch(/Invalid parameter id/);
	});
});

describe("listApis", () => {
	it("describes the maintenance commands as async and their parameters", async () => {
		const [api] = await listItems(world.root, "listApis", "api", { name: "enableStorageMaintenance" });
		expect(api).toMatchObject({ name: "enableStorageMaintenance", isasync: true });
		expect(api.params.map((p: Obj) => p.name)).toContain("id");
		const [create] = await listItems(world.root, "listApis", "api", { name: "createStoragePool" });
		expect(create.isasync).toBe(false);
		const required = create.params.filter((p: Obj) => p.required).map((p: Obj) => p.name);
		expect(required.sort()).toEqual(["name", "url", "zoneid"]);
	});
});

describe("listStorageProviders", () => {
	it("lists DefaultPrimary for primary and NFS for image storage", async () => {
		const primary = ok(
			await call(world.root, { command: "listStorageProviders", type: "primary" }),
			"listStorageProviders",
		);
		expect(primary).toEqual({ count: 1, dataStoreProvider: [{ name: "DefaultPrimary", type: "PRIMARY" }] });
		const image = ok(
			await call(world.root, { command: "listStorageProviders", type: "IMAGE" }),
			"listStorageProviders",
		);
		expect(image).toEqual({ count: 1, dataStoreProvider: [{ name: "NFS", type: "IMAGE" }] });
	});

	it("answers in XML with the dataStoreProvider element", async () => {
		const result = await call(world.root, { command: "listStorageProviders", type: "primary", response: "xml" });
		expect(result.status).toBe(200);
		expect(result.text).toContain("<liststorageprovidersresponse");
		expect(result.text).toMatch(
			/<count>1<\/count><dataStoreProvider><name>DefaultPrimary<\/name><type>PRIMARY<\/type><\/dataStoreProvider>/,
		);
	});

	it("requires a known type", async () => {
		expectParamError(await call(world.root, { command: "listStorageProviders" }), "listStorageProviders", /type/);
		expectParamError(
			await call(world.root, { command: "listStorageProviders", type: "tape" }),
			"listStorageProviders",
			/Invalid parameter: tape/,
		);
	});
});

// ---- access -----------------------------------------------------------------------------------

const adminOnly = (allowed: Case, readOnly: Case, denied: Case): CommandMatrix => ({
	RootAdmin: [allowed],
	ResourceAdmin: [denied],
	DomainAdmin: [denied],
	User: [denied],
	ReadOnlyAdmin: [readOnly],
});

const createCase: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, poolParams()),
	verify: async (_w, r) => expect(await poolById(r.body.createstoragepoolresponse.storagepool.id)).toBeDefined(),
};
const listCase: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listStoragePools", zoneid: tree.zone.id }),
	verify: (_w, r) => expect(r.body.liststoragepoolsresponse.count).toBeGreaterThan(0),
};
const providersCase: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listStorageProviders", type: "primary" }),
};
/** A change `actor` may not make: 432, and the pool is untouched afterwards. */
function refusedChange(command: string, params: (poolId: string) => Params): Case {
	let pool: Obj;
	return {
		expect: 432,
		run: async (_w, a) => {
			pool = await createPool();
			return call(a, { command, ...params(pool.id) });
		},
		verify: async () => expect(await poolById(pool.id)).toEqual(pool),
	};
}
const updateCase: Case = {
	expect: "allowed",
	run: async (_w, a) => call(a, { command: "updateStoragePool", id: (await createPool()).id, tags: "x" }),
	verify: (_w, r) => expect(r.body.updatestoragepoolresponse.storagepool.tags).toBe("x"),
};
const deleteCase: Case = {
	expect: "allowed",
	run: async (_w, a) => call(a, { command: "deleteStoragePool", id: (await createPool()).id }),
};

describeMatrix("primary storage access", () => world, {
	createStoragePool: adminOnly(createCase, unavailable("createStoragePool"), unavailable("createStoragePool")),
	listStoragePools: adminOnly(listCase, listCase, unavailable("listStoragePools")),
	updateStoragePool: adminOnly(
		updateCase,
		refusedChange("updateStoragePool", (id) => ({ id, tags: "x" })),
		refusedChange("updateStoragePool", (id) => ({ id, tags: "x" })),
	),
	deleteStoragePool: adminOnly(
		deleteCase,
		refusedChange("deleteStoragePool", (id) => ({ id })),
		refusedChange("deleteStoragePool", (id) => ({ id })),
	),
	listStorageProviders: adminOnly(
		providersCase,
		providersCase,
		unavailable("listStorageProviders", { type: "primary" }),
	),
});

// The maintenance commands answer in envelopes that differ from their names, which describeMatrix's
// `ok` does not know, so their matrix is spelled out here.
describe("maintenance access", () => {
	for (const command of ["enableStorageMaintenance", "cancelStorageMaintenance"]) {
		for (const role of ROLES) {
			const allowed = role === "RootAdmin";
			it(`${role}: ${command} → ${allowed ? "allowed" : "not available (432)"}`, async () => {
				const actor = world.byRole[role];
				const pool = await createPool();
				if (command === "cancelStorageMaintenance") {
					await runPoolJob("enableStorageMaintenance", pool.id);
				}
				const before = (await poolById(pool.id)).state;
				const result = await call(actor, { command, id: pool.id });
				if (allowed) {
					const job = await jobResult(
						actor,
						result,
						command === "enableStorageMaintenance"
							? "prepareprimarystorageformaintenance"
							: "cancelprimarystoragemaintenance",
					);
					expect(job.jobstatus).toBe(1);
					expect((await poolById(pool.id)).state).not.toBe(before);
				} else {
					expectNotAvailable(result, command, actor);
					expect((await poolById(pool.id)).state).toBe(before);
				}
			});
		}
	}
});
