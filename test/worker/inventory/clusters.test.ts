/**
 * Cluster commands (addCluster, listClusters, updateCluster, deleteCluster, listClustersMetrics):
 * CloudStack's semantics for KVM clusters, the refusals, events, paging and the access matrix.
 * Hosts and primary storage pools have no commands yet: rows are inserted into D1 directly.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../../worker/src/commands/registry";
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
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { createCluster, createPod, createZone } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let zone: { id: string; name: string };
let pod: { id: string; name: string; zoneid: string };
let otherZone: { id: string; name: string };
let otherPod: { id: string; name: string; zoneid: string };

let seq = 0;
/** A zone through createZone when it exists; otherwise a row inserted straight into D1. */
async function makeZone(): Promise<{ id: string; name: string }> {
	if (commands.has("createZone")) return createZone(world);
	seq += 1;
	const id = crypto.randomUUID();
	const name = unique("zone-");
	await env.DB.prepare(
		"INSERT INTO zones (id, name, network_type, dns1, internal_dns1, created) VALUES (?, ?, 'Basic', '8.8.8.8', '10.0.0.2', ?)",
	)
		.bind(id, name, Date.now() + seq)
		.run();
	return { id, name };
}

async function makePod(zoneId: string): Promise<{ id: string; name: string; zoneid: string }> {
	if (commands.has("createPod")) return createPod(world, zoneId);
	seq += 1;
	const id = crypto.randomUUID();
	const name = unique("pod-");
	await env.DB.prepare(
		"INSERT INTO pods (id, zone_id, name, gateway, netmask, start_ip, end_ip, created) VALUES (?, ?, ?, '10.9.0.1', '255.255.255.0', '10.9.0.10', '10.9.0.50', ?)",
	)
		.bind(id, zoneId, name, Date.now() + seq)
		.run();
	return { id, name, zoneid: zoneId };
}

function addParams(extra: Params = {}, where = pod): Params {
	return {
		command: "addCluster",
		zoneid: where.zoneid,
		podid: where.id,
		clustername: unique("cluster-"),
		hypervisor: "KVM",
		clustertype: "CloudManaged",
		...extra,
	};
}

async function listClusters(params: Params = {}, actor: Actor = world.root): Promise<Obj[]> {
	return listItems(actor, "listClusters", "cluster", params);
}

async function clusterCount(): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM clusters").first<{ n: number }>();
	return row?.n ?? 0;
}

async function events(type: string, resourceid: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid, listall: "true" });
}

async function insertHost(
	clusterId: string,
	fields: {
		name?: string;
		state?: string;
		cpuNumber?: number;
		cpuSpeed?: number;
		memoryTotal?: number;
		cpuAllocated?: number;
		memoryAllocated?: number;
	} = {},
): Promise<string> {
	const cluster = (await listClusters({ id: clusterId }))[0];
	const id = crypto.randomUUID();
	await env.DB.prepare(
		"INSERT INTO hosts (id, name, zone_id, pod_id, cluster_id, state, cpu_number, cpu_speed, memory_total, cpu_allocated, memory_allocated, url, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	)
		.bind(
			id,
			fields.name ?? unique("host-"),
			cluster.zoneid,
			cluster.podid,
			clusterId,
			fields.state ?? "Up",
			fields.cpuNumber ?? 0,
			fields.cpuSpeed ?? 0,
			fields.memoryTotal ?? 0,
			fields.cpuAllocated ?? 0,
			fields.memoryAllocated ?? 0,
			// hosts_zone_url is unique: each host its own (simulated) libvirt URI.
			`sim://${id}`,
			Date.now(),
		)
		.run();
	return id;
}

async function insertPool(clusterId: string, name: string): Promise<string> {
	const cluster = (await listClusters({ id: clusterId }))[0];
	const id = crypto.randomUUID();
	await env.DB.prepare(
		"INSERT INTO storage_pools (id, name, zone_id, pod_id, cluster_id, scope, type, host, path, url, created) VALUES (?, ?, ?, ?, ?, 'CLUSTER', 'NetworkFilesystem', 'nfs1', '/pri', 'nfs://nfs1/pri', ?)",
	)
		.bind(id, name, cluster.zoneid, cluster.podid, clusterId, Date.now())
		.run();
	return id;
}

async function insertTag(clusterId: string, key: string, value: string): Promise<void> {
	await env.DB.prepare(
		"INSERT INTO resource_tags (id, key, value, resource_type, resource_id, account_id, domain_id, created) VALUES (?, ?, ?, 'Cluster', ?, ?, ?, ?)",
	)
		.bind(crypto.randomUUID(), key, value, clusterId, world.root.accountId, world.root.domainId, Date.now())
		.run();
}

beforeAll(async () => {
	world = await buildWorld();
	zone = await makeZone();
	pod = await makePod(zone.id);
	otherZone = await makeZone();
	otherPod = await makePod(otherZone.id);
});

describe("addCluster", () => {
	it("adds a KVM CloudManaged cluster and answers with a list of one, as CloudStack", async () => {
		const name = unique("cluster-");
		const result = await call(world.root, addParams({ clustername: name, hypervisor: "kvm" }));
		const body = ok(result, "addCluster");
		expect(Object.keys(result.body)).toEqual(["addclusterresponse"]);
		expect(body.count).toBe(1);
		expect(body.cluster).toHaveLength(1);
		const cluster = body.cluster[0];
		expect(cluster).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name,
			podid: pod.id,
			podname: pod.name,
			zoneid: zone.id,
			zonename: zone.name,
			hypervisortype: "KVM",
			clustertype: "CloudManaged",
			allocationstate: "Enabled",
			managedstate: "Managed",
			cpuovercommitratio: "1.0",
			memoryovercommitratio: "1.0",
			arch: "x86_64",
		});
		expect(await listClusters({ id: cluster.id })).toEqual([cluster]);
		const [event] = await events("CLUSTER.CREATE", cluster.id);
		expect(event).toMatchObject({ type: "CLUSTER.CREATE", level: "INFO", resourcetype: "Cluster", resourcename: name });
	});

	it("takes allocationstate and arch (case-insensitive) and ignores url/username/password for KVM", async () => {
		const cluster = ok(
			await call(
				world.root,
				addParams({
					allocationstate: "disabled",
					arch: "AARCH64",
					clustertype: "cloudmanaged",
					url: "http://vcenter/dc/cluster",
					username: "root",
					password: "secret",
				}),
			),
			"addCluster",
		).cluster[0];
		expect(cluster).toMatchObject({ allocationstate: "Disabled", arch: "aarch64", clustertype: "CloudManaged" });
		expect(JSON.stringify(cluster)).not.toContain("secret");
	});

	it("refuses other hypervisors with a sentence that says only KVM is managed", async () => {
		const before = await clusterCount();
		for (const hypervisor of ["VMware", "xenserver", "Hyperv"]) {
			expectParamError(await call(world.root, addParams({ hypervisor })), "addCluster", /KVM clusters only/);
		}
		expectParamError(
			await call(world.root, addParams({ hypervisor: "Bogus" })),
			"addCluster",
			/Unable to resolve Bogus to a supported hypervisor type/,
		);
		expect(await clusterCount()).toBe(before);
	});

	it("refuses ExternalManaged and unknown cluster types", async () => {
		expectParamError(
			await call(world.root, addParams({ clustertype: "ExternalManaged" })),
			"addCluster",
			/ExternalManaged is not supported for KVM/,
		);
		expectParamError(await call(world.root, addParams({ clustertype: "Weird" })), "addCluster", /Weird/);
	});

	it("refuses a pod of another zone, an unknown zone or pod, a bad state or arch", async () => {
		const before = await clusterCount();
		expectParamError(
			await call(world.root, addParams({ zoneid: zone.id, podid: otherPod.id })),
			"addCluster",
			/does not belong to zone/,
		);
		expectParamError(
			await call(world.root, addParams({ zoneid: crypto.randomUUID() })),
			"addCluster",
			/Invalid parameter zoneid/,
		);
		expectParamError(
			await call(world.root, addParams({ podid: crypto.randomUUID() })),
			"addCluster",
			/Invalid parameter podid/,
		);
		expectParamError(
			await call(world.root, addParams({ allocationstate: "Sleeping" })),
			"addCluster",
			/Unable to resolve Allocation State 'Sleeping'/,
		);
		expectParamError(
			await call(world.root, addParams({ arch: "sparc" })),
			"addCluster",
			/Unsupported arch type: sparc/,
		);
		expectParamError(
			await call(world.root, addParams({ clustername: "   " })),
			"addCluster",
			/missing parameter clustername/,
		);
		expect(await clusterCount()).toBe(before);
	});

	it("requires clustername, zoneid, podid, hypervisor and clustertype", async () => {
		for (const missing of ["clustername", "zoneid", "podid", "hypervisor", "clustertype"]) {
			const params = addParams();
			delete params[missing];
			expectParamError(await call(world.root, params), "addCluster", new RegExp(missing));
		}
	});

	it("keeps cluster names unique within a pod (ignoring case), not across pods", async () => {
		const name = unique("dup-");
		await createCluster(world, pod, { clustername: name });
		expectParamError(
			await call(world.root, addParams({ clustername: name.toUpperCase() })),
			"addCluster",
			new RegExp(`A cluster named ${name.toUpperCase()} already exists in pod ${pod.name}`),
		);
		const elsewhere = await createCluster(world, otherPod, { clustername: name });
		expect(elsewhere).toMatchObject({ name, podid: otherPod.id, zoneid: otherZone.id });
	});
});

describe("listClusters", () => {
	let listZone: { id: string };
	let podA: { id: string; name: string; zoneid: string };
	let podB: { id: string; name: string; zoneid: string };
	let a1: Obj;
	let a2: Obj;
	let b1: Obj;

	beforeAll(async () => {
		listZone = await makeZone();
		podA = await makePod(listZone.id);
		podB = await makePod(listZone.id);
		a1 = await createCluster(world, podA, { clustername: "Alpha-one" });
		a2 = await createCluster(world, podA, { clustername: "alpha-two", allocationstate: "Disabled", arch: "aarch64" });
		b1 = await createCluster(world, podB, { clustername: "beta-one" });
		await call(world.root, { command: "updateCluster", id: b1.id, managedstate: "Unmanaged" });
	});

	const ids = (items: Obj[]) => items.map((c) => c.id);

	it("lists by zone, oldest first, with zone and pod names and the total count", async () => {
		const body = ok(await call(world.root, { command: "listClusters", zoneid: listZone.id }), "listClusters");
		expect(body.count).toBe(3);
		expect(ids(body.cluster)).toEqual([a1.id, a2.id, b1.id]);
		expect(body.cluster[0]).toMatchObject({ podname: podA.name, zonename: a1.zonename, zoneid: listZone.id });
	});

	it("filters by pod, name, keyword, ids, hypervisor, type and states (case-insensitive)", async () => {
		expect(ids(await listClusters({ podid: podB.id }))).toEqual([b1.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, name: "ALPHA-ONE" }))).toEqual([a1.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, keyword: "alpha" }))).toEqual([a1.id, a2.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, keyword: "%" }))).toEqual([]);
		expect(ids(await listClusters({ ids: `${a2.id},${b1.id}` }))).toEqual([a2.id, b1.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, hypervisor: "kvm" }))).toHaveLength(3);
		expect(ids(await listClusters({ zoneid: listZone.id, hypervisor: "VMware" }))).toEqual([]);
		expect(ids(await listClusters({ zoneid: listZone.id, clustertype: "cloudmanaged" }))).toHaveLength(3);
		expect(ids(await listClusters({ zoneid: listZone.id, allocationstate: "disabled" }))).toEqual([a2.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, managedstate: "unmanaged" }))).toEqual([b1.id]);
		expect(ids(await listClusters({ zoneid: listZone.id, arch: "AArch64" }))).toEqual([a2.id]);
		expect(await listClusters({ id: crypto.randomUUID() })).toEqual([]);
	});

	it("pages with count = total matches, and an empty page keeps the count", async () => {
		const page1 = ok(
			await call(world.root, { command: "listClusters", zoneid: listZone.id, pagesize: "2" }),
			"listClusters",
		);
		expect(page1.count).toBe(3);
		expect(ids(page1.cluster)).toEqual([a1.id, a2.id]);
		const page2 = ok(
			await call(world.root, { command: "listClusters", zoneid: listZone.id, pagesize: "2", page: "2" }),
			"listClusters",
		);
		expect(ids(page2.cluster)).toEqual([b1.id]);
		const past = ok(
			await call(world.root, { command: "listClusters", zoneid: listZone.id, pagesize: "2", page: "3" }),
			"listClusters",
		);
		expect(past).toEqual({ count: 3 });
		const none = await call(world.root, { command: "listClusters", zoneid: listZone.id, name: "nothing" });
		expect(none.body).toEqual({ listclustersresponse: {} });
	});

	it("filters by tags (every pair must match)", async () => {
		await insertTag(a1.id, "rack", "r1");
		await insertTag(a1.id, "tier", "gold");
		await insertTag(a2.id, "rack", "r1");
		const byRack = await listClusters({ "tags[0].key": "rack", "tags[0].value": "r1" });
		expect(ids(byRack)).toEqual([a1.id, a2.id]);
		const both = await listClusters({
			"tags[0].key": "rack",
			"tags[0].value": "r1",
			"tags[1].key": "tier",
			"tags[1].value": "gold",
		});
		expect(ids(both)).toEqual([a1.id]);
		expect(await listClusters({ "tags[0].key": "rack", "tags[0].value": "r2" })).toEqual([]);
	});
});

describe("updateCluster", () => {
	it("renames, changes allocation and managed state and arch, and writes CLUSTER.EDIT", async () => {
		const cluster = await createCluster(world, pod);
		const name = unique("renamed-");
		const body = ok(
			await call(world.root, {
				command: "updateCluster",
				id: cluster.id,
				clustername: name,
				allocationstate: "Disabled",
				managedstate: "unmanaged",
				arch: "aarch64",
			}),
			"updateCluster",
		);
		expect(body.cluster).toMatchObject({
			id: cluster.id,
			name,
			allocationstate: "Disabled",
			managedstate: "Unmanaged",
			arch: "aarch64",
			podname: pod.name,
			zonename: zone.name,
		});
		expect((await listClusters({ id: cluster.id }))[0]).toEqual(body.cluster);
		const [event] = await events("CLUSTER.EDIT", cluster.id);
		expect(event).toMatchObject({ resourcetype: "Cluster", resourcename: name });
	});

	it("accepts the same hypervisor and type but refuses a change of either", async () => {
		const cluster = await createCluster(world, pod);
		ok(
			await call(world.root, {
				command: "updateCluster",
				id: cluster.id,
				hypervisor: "kvm",
				clustertype: "CloudManaged",
			}),
			"updateCluster",
		);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: cluster.id, hypervisor: "VMware" }),
			"updateCluster",
			/KVM clusters only/,
		);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: cluster.id, clustertype: "ExternalManaged" }),
			"updateCluster",
			/ExternalManaged/,
		);
		expect((await listClusters({ id: cluster.id }))[0]).toMatchObject({
			hypervisortype: "KVM",
			clustertype: "CloudManaged",
		});
	});

	it("refuses a name taken in the pod, bad states and an unknown id, changing nothing", async () => {
		const taken = await createCluster(world, pod);
		const cluster = await createCluster(world, pod);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: cluster.id, clustername: taken.name }),
			"updateCluster",
			/already exists/,
		);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: cluster.id, managedstate: "PrepareUnmanaged" }),
			"updateCluster",
			/Unable to resolve Managed State/,
		);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: cluster.id, clustername: "x", allocationstate: "nope" }),
			"updateCluster",
			/Allocation State/,
		);
		expectParamError(
			await call(world.root, { command: "updateCluster", id: crypto.randomUUID() }),
			"updateCluster",
			/Invalid parameter id/,
		);
		expect((await listClusters({ id: cluster.id }))[0]).toEqual(cluster);
	});
});

describe("deleteCluster", () => {
	it("deletes an empty cluster, its tags, and writes CLUSTER.DELETE", async () => {
		const cluster = await createCluster(world, pod);
		await insertTag(cluster.id, "gone", "soon");
		expect(ok(await call(world.root, { command: "deleteCluster", id: cluster.id }), "deleteCluster")).toEqual({
			success: true,
		});
		expect(await listClusters({ id: cluster.id })).toEqual([]);
		const tags = await env.DB.prepare("SELECT count(*) AS n FROM resource_tags WHERE resource_id = ?")
			.bind(cluster.id)
			.first<{ n: number }>();
		expect(tags?.n).toBe(0);
		const [event] = await events("CLUSTER.DELETE", cluster.id);
		expect(event).toMatchObject({ resourcetype: "Cluster", resourcename: cluster.name });
	});

	it("refuses (536) while hosts or primary storage pools remain, naming them", async () => {
		const cluster = await createCluster(world, pod);
		const hostId = await insertHost(cluster.id, { name: "kvm-01" });
		let result = await call(world.root, { command: "deleteCluster", id: cluster.id });
		expect(result.status).toBe(536);
		expect(result.body.deleteclusterresponse).toMatchObject({ errorcode: 536, cserrorcode: 4375 });
		expect(result.body.deleteclusterresponse.errortext).toMatch(/1 host \(kvm-01\)/);

		const poolId = await insertPool(cluster.id, "pri-1");
		result = await call(world.root, { command: "deleteCluster", id: cluster.id });
		expect(result.status).toBe(536);
		expect(result.body.deleteclusterresponse.errortext).toMatch(
			/1 host \(kvm-01\) and 1 primary storage pool \(pri-1\)/,
		);

		await env.DB.prepare("DELETE FROM hosts WHERE id = ?").bind(hostId).run();
		result = await call(world.root, { command: "deleteCluster", id: cluster.id });
		expect(result.status).toBe(536);
		expect(result.body.deleteclusterresponse.errortext).not.toMatch(/host/);
		expect(await listClusters({ id: cluster.id })).toHaveLength(1);

		await env.DB.prepare("DELETE FROM storage_pools WHERE id = ?").bind(poolId).run();
		ok(await call(world.root, { command: "deleteCluster", id: cluster.id }), "deleteCluster");
		expect(await listClusters({ id: cluster.id })).toEqual([]);
	});

	it("answers 431 for an unknown cluster", async () => {
		expectParamError(
			await call(world.root, { command: "deleteCluster", id: crypto.randomUUID() }),
			"deleteCluster",
			/Invalid parameter id/,
		);
	});
});

describe("listClustersMetrics", () => {
	it("sums the cluster's hosts: up / total, CPU and memory totals and allocation", async () => {
		const cluster = await createCluster(world, pod);
		const gib = 1024 ** 3;
		await insertHost(cluster.id, {
			state: "Up",
			cpuNumber: 8,
			cpuSpeed: 2000,
			memoryTotal: 32 * gib,
			cpuAllocated: 4000,
			memoryAllocated: 8 * gib,
		});
		await insertHost(cluster.id, {
			state: "Down",
			cpuNumber: 4,
			cpuSpeed: 2000,
			memoryTotal: 32 * gib,
			cpuAllocated: 8000,
			memoryAllocated: 40 * gib,
		});
		const body = ok(await call(world.root, { command: "listClustersMetrics", id: cluster.id }), "listClustersMetrics");
		expect(body.count).toBe(1);
		expect(body.cluster[0]).toMatchObject({
			...cluster,
			state: "Enabled",
			hosts: "1 / 2",
			cputotal: "24.00 Ghz",
			cpuallocated: "50.00%",
			memorytotal: "64.00 GB",
			memoryallocated: "75.00%",
			cpuallocatedthreshold: false,
			cpuallocateddisablethreshold: false,
			memoryallocatedthreshold: false,
			memoryallocateddisablethreshold: false,
			cputhreshold: false,
			memorythreshold: false,
		});
		// No host reports usage yet: CloudStack omits the "used" values then.
		expect(body.cluster[0].cpuused).toBeUndefined();
		expect(body.cluster[0].memoryused).toBeUndefined();
	});

	it("flags allocation above the thresholds and shows an empty cluster as 0 / 0", async () => {
		const busy = await createCluster(world, pod);
		await insertHost(busy.id, {
			cpuNumber: 1,
			cpuSpeed: 1000,
			cpuAllocated: 900,
			memoryTotal: 1000,
			memoryAllocated: 800,
		});
		const empty = await createCluster(world, pod, { allocationstate: "Disabled" });
		const items = await listItems(world.root, "listClustersMetrics", "cluster", { ids: `${busy.id},${empty.id}` });
		expect(items[0]).toMatchObject({
			id: busy.id,
			cpuallocated: "90.00%",
			cpuallocatedthreshold: true,
			cpuallocateddisablethreshold: true,
			memoryallocated: "80.00%",
			memoryallocatedthreshold: true,
			memoryallocateddisablethreshold: false,
		});
		expect(items[1]).toMatchObject({
			id: empty.id,
			state: "Disabled",
			hosts: "0 / 0",
			cputotal: "0.00 Ghz",
			memorytotal: "0.00 GB",
		});
		expect(items[1].cpuallocated).toBeUndefined();
	});

	it("reports an unmanaged cluster's state as Unmanaged and takes listClusters' filters", async () => {
		const cluster = await createCluster(world, pod);
		ok(
			await call(world.root, { command: "updateCluster", id: cluster.id, managedstate: "Unmanaged" }),
			"updateCluster",
		);
		const [item] = await listItems(world.root, "listClustersMetrics", "cluster", {
			id: cluster.id,
			managedstate: "Unmanaged",
		});
		expect(item.state).toBe("Unmanaged");
	});
});

describe("a large inventory", () => {
	it("lists a page of 500 out of 5,000 clusters with names joined, quickly", async () => {
		const bigZone = await makeZone();
		const bigPod = await makePod(bigZone.id);
		const insert = env.DB.prepare(
			"INSERT INTO clusters (id, zone_id, pod_id, name, hypervisor, cluster_type, created) VALUES (?, ?, ?, ?, 'KVM', 'CloudManaged', ?)",
		);
		const base = Date.now();
		for (let chunk = 0; chunk < 10; chunk += 1) {
			await env.DB.batch(
				Array.from({ length: 500 }, (_, i) => {
					const n = chunk * 500 + i;
					return insert.bind(crypto.randomUUID(), bigZone.id, bigPod.id, `big-${String(n).padStart(4, "0")}`, base + n);
				}),
			);
		}
		const started = Date.now();
		const body = ok(
			await call(world.root, { command: "listClusters", zoneid: bigZone.id, pagesize: "500", page: "3" }),
			"listClusters",
		);
		const listMs = Date.now() - started;
		expect(body.count).toBe(5000);
		expect(body.cluster).toHaveLength(500);
		expect(body.cluster[0]).toMatchObject({ name: "big-1000", podname: bigPod.name, zonename: bigZone.name });
		expect(body.cluster[499].name).toBe("big-1499");
		const metricsStarted = Date.now();
		const metrics = ok(
			await call(world.root, { command: "listClustersMetrics", zoneid: bigZone.id, pagesize: "500" }),
			"listClustersMetrics",
		);
		const metricsMs = Date.now() - metricsStarted;
		expect(metrics.cluster).toHaveLength(500);
		expect(metrics.cluster[0].hosts).toBe("0 / 0");
		expect(listMs).toBeLessThan(2000);
		expect(metricsMs).toBeLessThan(2000);
	});
});

// ---- access matrix --------------------------------------------------------------------------

const rootAdds: Case = {
	expect: "allowed",
	run: (_w, a) => call(a, addParams()),
	verify: async (_w, r) => {
		const cluster = r.body.addclusterresponse.cluster[0];
		expect(await listClusters({ id: cluster.id })).toHaveLength(1);
	},
};

const seesClusters = (command: string): Case => ({
	scenario: "sees every cluster",
	expect: "allowed",
	run: (_w, a) => call(a, { command, podid: pod.id }),
	verify: (_w, r) => expect(r.body[`${command.toLowerCase()}response`].count).toBeGreaterThan(0),
});

function updateAs(expectOutcome: "allowed" | 432): Case {
	let cluster: Obj;
	const name = unique("matrix-");
	return {
		expect: expectOutcome,
		run: async (w, a) => {
			cluster = await createCluster(w, pod);
			return call(a, { command: "updateCluster", id: cluster.id, clustername: name });
		},
		verify: async () =>
			expect((await listClusters({ id: cluster.id }))[0].name).toBe(expectOutcome === "allowed" ? name : cluster.name),
	};
}

function deleteAs(expectOutcome: "allowed" | 432): Case {
	let cluster: Obj;
	return {
		expect: expectOutcome,
		run: async (w, a) => {
			cluster = await createCluster(w, pod);
			return call(a, { command: "deleteCluster", id: cluster.id });
		},
		verify: async () =>
			expect(await listClusters({ id: cluster.id })).toHaveLength(expectOutcome === "allowed" ? 0 : 1),
	};
}

const refusedAdd = (): Case => ({
	expect: 432,
	run: (_w, a) => call(a, addParams()),
	verify: async () => expect(await clusterCount()).toBeGreaterThan(0),
});

const matrix: Record<string, CommandMatrix> = {
	addCluster: {
		RootAdmin: [rootAdds],
		ResourceAdmin: [refusedAdd()],
		DomainAdmin: [refusedAdd()],
		User: [refusedAdd()],
		ReadOnlyAdmin: [refusedAdd()],
	},
	listClusters: {
		RootAdmin: [seesClusters("listClusters")],
		ReadOnlyAdmin: [seesClusters("listClusters")],
		ResourceAdmin: [unavailable("listClusters")],
		DomainAdmin: [unavailable("listClusters")],
		User: [unavailable("listClusters")],
	},
	listClustersMetrics: {
		RootAdmin: [seesClusters("listClustersMetrics")],
		ReadOnlyAdmin: [seesClusters("listClustersMetrics")],
		ResourceAdmin: [unavailable("listClustersMetrics")],
		DomainAdmin: [unavailable("listClustersMetrics")],
		User: [unavailable("listClustersMetrics")],
	},
	updateCluster: {
		RootAdmin: [updateAs("allowed")],
		ResourceAdmin: [updateAs(432)],
		DomainAdmin: [updateAs(432)],
		User: [updateAs(432)],
		ReadOnlyAdmin: [updateAs(432)],
	},
	deleteCluster: {
		RootAdmin: [deleteAs("allowed")],
		ResourceAdmin: [deleteAs(432)],
		DomainAdmin: [deleteAs(432)],
		User: [deleteAs(432)],
		ReadOnlyAdmin: [deleteAs(432)],
	},
};

describeMatrix("cluster access matrix", () => world, matrix);
