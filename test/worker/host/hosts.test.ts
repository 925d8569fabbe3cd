/**
 * Host commands without a relay agent: addHost's validation and its refusal while the zone has no
 * agent (530, nothing inserted), and the commands on hosts that exist (rows inserted into D1 as a
 * relay would have left them): lists and filters, metrics, updates, the maintenance cycle, reconnect
 * failing without an agent, the delete rules and the access matrix.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectNotAvailable,
	expectParamError,
	ok,
	runJob,
	unavailable,
	type World,
} from "../../helpers/identity-fixtures";
import { createCluster, createPod, createTree, createZone } from "../../helpers/inventory-fixtures";
import {
	addHostParams,
	type Cluster,
	expectError,
	HOST_PASSWORD,
	hostCount,
	hostEvents,
	hostRow,
	insertHost,
	jobOf,
	listHosts,
	type Obj,
} from "./host-fixtures";

let world: World;
let zone: Obj;
let cluster: Cluster;

beforeAll(async () => {
	world = await buildWorld();
	({ zone, cluster } = await createTree(world));
});

describe("addHost refusals", () => {
	it("refuses hypervisors other than KVM (any case of KVM passes validation)", async () => {
		const before = await hostCount();
		expectParamError(await call(world.root, addHostParams(cluster, { hypervisor: "XenServer" })), "addHost", /KVM/);
		expectParamError(await call(world.root, addHostParams(cluster, { hypervisor: "bogus" })), "addHost");
		// "kvm" gets past validation and stops at the missing agent (530), not at a 431.
		expectError(await call(world.root, addHostParams(cluster, { hypervisor: "kvm" })), "addHost", 530);
		expect(await hostCount()).toBe(before);
	});

	it("requires url, zoneid, podid and hypervisor", async () => {
		for (const missing of ["url", "zoneid", "podid", "hypervisor"]) {
			const params = addHostParams(cluster);
			delete params[missing];
			expectParamError(await call(world.root, params), "addHost");
		}
	});

	it("requires a cluster of the pod, the pod of the zone", async () => {
		const otherPod = await createPod(world, zone.id);
		const otherCluster = await createCluster(world, otherPod);
		expectParamError(
			await call(world.root, addHostParams(cluster, { clusterid: otherCluster.id })),
			"addHost",
			/does not belong to pod/,
		);
		const otherZone = await createZone(world);
		expectParamError(
			await call(world.root, addHostParams(cluster, { zoneid: otherZone.id })),
			"addHost",
			/does not belong to zone/,
		);
		const { clusterid: _, ...noCluster } = addHostParams(cluster);
		expectParamError(await call(world.root, noCluster), "addHost", /clusterid or clustername/);
		expectParamError(
			await call(world.root, { ...noCluster, clustername: "no-such-cluster" }),
			"addHost",
			/No cluster named/,
		);
		// By name (any case), the cluster is found: the call gets as far as the relay.
		expectError(
			await call(world.root, { ...noCluster, clustername: cluster.name.toUpperCase() }),
			"addHost",
			530,
			/no connected relay agent/,
		);
	});

	it("refuses urls that are neither a host address nor a libvirt URI, and credentials in the url", async () => {
		for (const url of [
			"ftp://kvm1.example",
			"nfs://10.0.0.5/export",
			"http://",
			"bad host name",
			"qemu+foo://x/system",
		]) {
			expectParamError(await call(world.root, addHostParams(cluster, { url })), "addHost");
		}
		const withUser = await call(world.root, addHostParams(cluster, { url: "http://root:pw@10.0.0.9" }));
		expectParamError(withUser, "addHost", /credentials/);
		const withPassword = await call(world.root, addHostParams(cluster, { url: "qemu+ssh://root:pw@10.0.0.9/system" }));
		expectParamError(withPassword, "addHost", /password/);
		expectParamError(await call(world.root, addHostParams(cluster, { username: "bad user" })), "addHost");
	});

	it("refuses a bad allocationstate", async () => {
		expectParamError(await call(world.root, addHostParams(cluster, { allocationstate: "Sideways" })), "addHost");
	});

	it("refuses a url another host of the zone is reached by (http://h is qemu+ssh://root@h/system)", async () => {
		const taken = await insertHost(cluster, { url: "qemu+ssh://root@10.1.2.3/system", name: "taken-host" });
		const result = await call(world.root, addHostParams(cluster, { url: "http://10.1.2.3" }));
		expectParamError(result, "addHost", /taken-host.*already reached by qemu\+ssh:\/\/root@10\.1\.2\.3\/system/);
		expectParamError(await call(world.root, addHostParams(cluster, { url: "10.1.2.3" })), "addHost");
		await call(world.root, { command: "deleteHost", id: taken, forced: "true" });
	});

	it("answers 530 when the zone has no relay agent, inserts nothing and never echoes the password", async () => {
		const before = await hostCount();
		const result = await call(world.root, addHostParams(cluster));
		const body = expectError(result, "addHost", 530);
		expect(body.errortext).toBe(`Zone ${zone.name} has no connected relay agent; start flarestack-relay at the site`);
		expect(result.text).not.toContain(HOST_PASSWORD);
		expect(await hostCount()).toBe(before);
		expect(await hostEvents(world, "HOST.ADD", "")).toEqual([]);
	});
});

describe("listHosts and listHostsMetrics", () => {
	let tree: { zone: Obj; pod: Obj; cluster: Cluster };
	let up: string;
	let down: string;

	beforeAll(async () => {
		tree = await createTree(world);
		up = await insertHost(tree.cluster, {
			name: "list-up",
			cpuNumber: 4,
			cpuSpeed: 2000,
			memoryTotal: 8 * 1024 ** 3,
			cpuAllocated: 2000,
			memoryAllocated: 2 * 1024 ** 3,
			hostTags: "ssd,fast",
		});
		down = await insertHost(tree.cluster, { name: "list-down", state: "Down", resourceState: "Disabled" });
	});

	it("shows CloudStack's fields of a KVM Routing host", async () => {
		const [host] = await listHosts(world, { id: up });
		expect(host).toMatchObject({
			id: up,
			name: "list-up",
			state: "Up",
			resourcestate: "Enabled",
			type: "Routing",
			ipaddress: "list-up",
			zoneid: tree.zone.id,
			zonename: tree.zone.name,
			podid: tree.pod.id,
			podname: tree.pod.name,
			clusterid: tree.cluster.id,
			clustername: tree.cluster.name,
			clustertype: "CloudManaged",
			hypervisor: "KVM",
			hypervisorversion: "9.0.0",
			cpunumber: 4,
			cpuspeed: 2000,
			cpuallocated: "25%",
			cpuallocatedvalue: 2000,
			cpuwithoverprovisioning: "8000",
			memorytotal: 8 * 1024 ** 3,
			memoryallocated: 2 * 1024 ** 3,
			memoryallocatedpercentage: "25%",
			hosttags: "ssd,fast",
			capabilities: "hvm",
			islocalstorageactive: false,
			arch: "x86_64",
		});
		expect(host.version).toMatch(/^\d+\.\d+/);
		expect(host.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		expect(host.lastpinged).toMatch(/\+0000$/);
		expect(host.events).toContain("PingTimeout");
		expect(host).not.toHaveProperty("url");
	});

	it("filters by zone, pod, cluster, name, state, resource state, type, hypervisor and keyword", async () => {
		const names = async (params: Record<string, string>) =>
			(await listHosts(world, { zoneid: tree.zone.id, ...params })).map((h: Obj) => h.name).sort();
		expect(await names({})).toEqual(["list-down", "list-up"]);
		expect(await names({ podid: tree.pod.id })).toEqual(["list-down", "list-up"]);
		expect(await names({ clusterid: tree.cluster.id })).toEqual(["list-down", "list-up"]);
		expect(await names({ clusterid: cluster.id })).toEqual([]);
		expect(await names({ name: "LIST-UP" })).toEqual(["list-up"]);
		expect(await names({ state: "down" })).toEqual(["list-down"]);
		expect(await names({ resourcestate: "Disabled" })).toEqual(["list-down"]);
		expect(await names({ type: "Routing" })).toEqual(["list-down", "list-up"]);
		expect(await names({ type: "SecondaryStorageVM" })).toEqual([]);
		expect(await names({ hypervisor: "kvm" })).toEqual(["list-down", "list-up"]);
		expect(await names({ hypervisor: "XenServer" })).toEqual([]);
		expect(await names({ keyword: "dow" })).toEqual(["list-down"]);
		expect(await names({ keyword: "%" })).toEqual([]);
		expect(await names({ arch: "aarch64" })).toEqual([]);
		expect((await listHosts(world, { id: down }))[0].state).toBe("Down");
	});

	it("pages with the total count", async () => {
		const first = ok(
			await call(world.root, { command: "listHosts", zoneid: tree.zone.id, page: "1", pagesize: "1" }),
			"listHosts",
		);
		const second = ok(
			await call(world.root, { command: "listHosts", zoneid: tree.zone.id, page: "2", pagesize: "1" }),
			"listHosts",
		);
		expect(first.count).toBe(2);
		expect(first.host.map((h: Obj) => h.name)).toEqual(["list-up"]);
		expect(second.host.map((h: Obj) => h.name)).toEqual(["list-down"]);
	});

	it("listHostsMetrics adds CloudStack's metrics to the same fields", async () => {
		const body = ok(await call(world.root, { command: "listHostsMetrics", id: up }), "listHostsMetrics");
		const [host] = body.host;
		const [plain] = await listHosts(world, { id: up });
		expect(host).toMatchObject(plain);
		expect(host).toMatchObject({
			instances: "0 / 0",
			cputotalghz: "8.00 Ghz",
			cpuallocatedghz: "2.00 Ghz",
			memorytotalgb: "8.00 GB",
			memoryallocatedgb: "2.00 GB",
			cputhreshold: false,
			cpuallocatedthreshold: false,
			memoryallocatedthreshold: false,
			memoryallocateddisablethreshold: false,
		});
		const filtered = ok(
			await call(world.root, { command: "listHostsMetrics", zoneid: tree.zone.id, state: "Down" }),
			"listHostsMetrics",
		);
		expect(filtered.host.map((h: Obj) => h.id)).toEqual([down]);
	});
});

describe("updateHost", () => {
	it("renames, retags and enables/disables, with a HOST.UPDATE event", async () => {
		const id = await insertHost(cluster, { hostTags: "old" });
		const updated = ok(
			await call(world.root, {
				command: "updateHost",
				id,
				name: "renamed",
				hosttags: "a, b,a",
				allocationstate: "Disable",
			}),
			"updateHost",
		).host;
		expect(updated).toMatchObject({ id, name: "renamed", hosttags: "a,b", resourcestate: "Disabled" });
		const enabled = ok(await call(world.root, { command: "updateHost", id, allocationstate: "Enable" }), "updateHost");
		expect(enabled.host.resourcestate).toBe("Enabled");
		expect(enabled.host.hosttags).toBe("a,b");
		// An empty hosttags is no parameter (CloudStack drops empty values): the tags stay.
		const kept = ok(await call(world.root, { command: "updateHost", id, hosttags: "" }), "updateHost");
		expect(kept.host.hosttags).toBe("a,b");
		expect(await hostEvents(world, "HOST.UPDATE", id)).toHaveLength(3);
	});

	it("refuses a url change, tag rules, bad allocation states, an empty name and unknown ids", async () => {
		const id = await insertHost(cluster);
		expectParamError(
			await call(world.root, { command: "updateHost", id, url: "http://x" }),
			"updateHost",
			/not supported/,
		);
		expectParamError(await call(world.root, { command: "updateHost", id, istagarule: "true" }), "updateHost");
		expectParamError(
			await call(world.root, { command: "updateHost", id, allocationstate: "Maintenance" }),
			"updateHost",
		);
		expectParamError(await call(world.root, { command: "updateHost", id, name: "  " }), "updateHost");
		expectParamError(await call(world.root, { command: "updateHost", id: crypto.randomUUID() }), "updateHost");
		expect((await hostRow(id)).resource_state).toBe("Enabled");
	});

	it("refuses enabling or disabling a host in maintenance", async () => {
		const id = await insertHost(cluster, { resourceState: "Maintenance" });
		expectParamError(
			await call(world.root, { command: "updateHost", id, allocationstate: "Enable" }),
			"updateHost",
			/cancelHostMaintenance/,
		);
		// A rename is fine while in maintenance.
		expect(
			ok(await call(world.root, { command: "updateHost", id, name: "maint-renamed" }), "updateHost").host.name,
		).toBe("maint-renamed");
	});
});

describe("host maintenance", () => {
	it("prepare → Maintenance (MAINT.PREPARE), again is 431, cancel → Enabled (MAINT.CANCEL), again is 431", async () => {
		const id = await insertHost(cluster, { resourceState: "Disabled" });
		const prepared = await runJob(world.root, { command: "prepareHostForMaintenance", id });
		expect(prepared.host).toMatchObject({ id, resourcestate: "Maintenance", state: "Up" });
		expect(await hostEvents(world, "MAINT.PREPARE", id)).toHaveLength(1);
		expectParamError(
			await call(world.root, { command: "prepareHostForMaintenance", id }),
			"prepareHostForMaintenance",
			/already in resource state Maintenance/,
		);
		const canceled = await runJob(world.root, { command: "cancelHostMaintenance", id });
		expect(canceled.host.resourcestate).toBe("Enabled");
		expect(await hostEvents(world, "MAINT.CANCEL", id)).toHaveLength(1);
		expectParamError(
			await call(world.root, { command: "cancelHostMaintenance", id }),
			"cancelHostMaintenance",
			/not in maintenance/,
		);
	});

	it("records the jobs against the host", async () => {
		const id = await insertHost(cluster);
		const job = await jobOf(
			world.root,
			await call(world.root, { command: "prepareHostForMaintenance", id }),
			"prepareHostForMaintenance",
		);
		expect(job).toMatchObject({
			jobstatus: 1,
			jobinstancetype: "Host",
			jobinstanceid: id,
			cmd: "org.apache.cloudstack.api.command.admin.host.PrepareForHostMaintenanceCmd",
		});
	});

	it("cancels a maintenance stuck in PrepareForMaintenance", async () => {
		const id = await insertHost(cluster, { resourceState: "PrepareForMaintenance" });
		expect((await runJob(world.root, { command: "cancelHostMaintenance", id })).host.resourcestate).toBe("Enabled");
	});
});

describe("reconnectHost without an agent", () => {
	it("fails the job with 530 and leaves the host Disconnected, with a HOST.RECONNECT event", async () => {
		const id = await insertHost(cluster);
		const job = await jobOf(world.root, await call(world.root, { command: "reconnectHost", id }), "reconnectHost");
		expect(job.jobstatus).toBe(2);
		expect(job.jobresultcode).toBe(530);
		expect(job.jobresult).toMatchObject({
			errorcode: 530,
			errortext: `Zone ${zone.name} has no connected relay agent; start flarestack-relay at the site`,
		});
		const row = await hostRow(id);
		expect(row.state).toBe("Disconnected");
		expect(row.disconnected).toBeGreaterThan(0);
		const [event] = await hostEvents(world, "HOST.RECONNECT", id);
		expect(event.level).toBe("ERROR");
	});

	it("answers 431 for an unknown host before any job", async () => {
		expectParamError(await call(world.root, { command: "reconnectHost", id: crypto.randomUUID() }), "reconnectHost");
	});
});

describe("deleteHost", () => {
	it("refuses an Up host that is not in maintenance (536) unless forced", async () => {
		const id = await insertHost(cluster);
		expectError(await call(world.root, { command: "deleteHost", id }), "deleteHost", 536, /not in maintenance mode/);
		expect(await hostRow(id)).not.toBeNull();
		ok(await call(world.root, { command: "deleteHost", id, forced: "true" }), "deleteHost");
		expect(await hostRow(id)).toBeNull();
		expect(await hostEvents(world, "HOST.DELETE", id)).toHaveLength(1);
	});

	it("deletes hosts in maintenance, Down or Disconnected without force (no agent needed)", async () => {
		for (const fields of [{ resourceState: "Maintenance" }, { state: "Down" }, { state: "Disconnected" }]) {
			const id = await insertHost(cluster, fields);
			expect(ok(await call(world.root, { command: "deleteHost", id }), "deleteHost").success).toBe(true);
			expect(await hostRow(id)).toBeNull();
		}
	});

	it("answers 431 for an unknown host", async () => {
		expectParamError(await call(world.root, { command: "deleteHost", id: crypto.randomUUID() }), "deleteHost");
	});

	it("keeps deleteCluster refusing a cluster with hosts until they are gone", async () => {
		const tree = await createTree(world);
		const id = await insertHost(tree.cluster, { state: "Down" });
		expectError(await call(world.root, { command: "deleteCluster", id: tree.cluster.id }), "deleteCluster", 536);
		ok(await call(world.root, { command: "deleteHost", id }), "deleteHost");
		ok(await call(world.root, { command: "deleteCluster", id: tree.cluster.id }), "deleteCluster");
	});
});

describe("listApis", () => {
	it("shows the host commands, the maintenance and reconnect ones as async", async () => {
		const apis = ok(await call(world.root, { command: "listApis" }), "listApis").api as Obj[];
		const byName = new Map(apis.map((a) => [a.name, a]));
		for (const name of ["addHost", "listHosts", "listHostsMetrics", "updateHost", "deleteHost"]) {
			expect(byName.get(name)?.isasync, name).toBe(false);
		}
		for (const name of ["reconnectHost", "prepareHostForMaintenance", "cancelHostMaintenance"]) {
			expect(byName.get(name)?.isasync, name).toBe(true);
		}
	});
});

// ---- access matrix: the root admin changes hosts, the read-only admin lists them ---------------

const seesHosts = (command: string): Case => ({
	scenario: "sees every host",
	expect: "allowed",
	run: async (_w, a) => {
		await insertHost(cluster);
		return call(a, { command, clusterid: cluster.id });
	},
	verify: (_w, r) => expect(r.body[`${command.toLowerCase()}response`].count).toBeGreaterThan(0),
});

/** A change on a fresh host: allowed for the root admin, 432 for everyone else (the host unchanged). */
function changeAs(command: string, expectOutcome: "allowed" | 432, extra: Record<string, string> = {}): Case {
	let id: string;
	return {
		expect: expectOutcome,
		run: async (_w, a) => {
			id = await insertHost(cluster, {
				resourceState: command === "cancelHostMaintenance" ? "Maintenance" : "Enabled",
			});
			return call(a, { command, id, ...extra });
		},
		verify: async () => {
			const row = await hostRow(id);
			if (expectOutcome === 432) {
				expect(row).toMatchObject({ name: expect.stringMatching(/^host-/), state: "Up" });
				expect(row.resource_state).toBe(command === "cancelHostMaintenance" ? "Maintenance" : "Enabled");
			}
		},
	};
}

function matrixFor(command: string, extra: Record<string, string> = {}): CommandMatrix {
	return {
		RootAdmin: [changeAs(command, "allowed", extra)],
		ResourceAdmin: [changeAs(command, 432, extra)],
		DomainAdmin: [changeAs(command, 432, extra)],
		User: [changeAs(command, 432, extra)],
		ReadOnlyAdmin: [changeAs(command, 432, extra)],
	};
}

const matrix: Record<string, CommandMatrix> = {
	listHosts: {
		RootAdmin: [seesHosts("listHosts")],
		ReadOnlyAdmin: [seesHosts("listHosts")],
		ResourceAdmin: [unavailable("listHosts")],
		DomainAdmin: [unavailable("listHosts")],
		User: [unavailable("listHosts")],
	},
	listHostsMetrics: {
		RootAdmin: [seesHosts("listHostsMetrics")],
		ReadOnlyAdmin: [seesHosts("listHostsMetrics")],
		ResourceAdmin: [unavailable("listHostsMetrics")],
		DomainAdmin: [unavailable("listHostsMetrics")],
		User: [unavailable("listHostsMetrics")],
	},
	updateHost: matrixFor("updateHost", { name: "matrix-renamed" }),
	deleteHost: matrixFor("deleteHost", { forced: "true" }),
	prepareHostForMaintenance: matrixFor("prepareHostForMaintenance"),
	cancelHostMaintenance: matrixFor("cancelHostMaintenance"),
	reconnectHost: matrixFor("reconnectHost"),
};

describeMatrix("host access matrix", () => world, matrix);

// addHost as the root admin needs an agent (hosts-agent.test.ts); everyone else is refused first.
describe("addHost access", () => {
	for (const role of ["ResourceAdmin", "DomainAdmin", "User", "ReadOnlyAdmin"] as const) {
		it(`${role}: addHost → not available (432)`, async () => {
			const before = await hostCount();
			const actor = world.byRole[role];
			expectNotAvailable(await call(actor, addHostParams(cluster)), "addHost", actor);
			expect(await hostCount()).toBe(before);
		});
	}
});
