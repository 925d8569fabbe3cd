/**
 * Host commands with a relay agent connected to the zone (the fake agent, over a real WebSocket to
 * the zone's ZoneRelay inside workerd): addHost reaching the host first and recording the facts the
 * agent reported, the failures that leave nothing behind, reconnectHost and deleteHost telling the
 * agent, and the password never reaching the agent, D1 or a response.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultAnswer, type FakeAgent, fakeHost, startFakeAgent } from "../../helpers/fake-agent";
import { buildWorld, call, expectParamError, ok, runJob, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";
import {
	addHostParams,
	type Cluster,
	expectError,
	HOST_PASSWORD,
	hostCount,
	hostEvents,
	hostRow,
	jobOf,
	listHosts,
	type Obj,
} from "./host-fixtures";

const GiB = 1024 ** 3;

let world: World;
let zone: Obj;
let cluster: Cluster;
let agent: FakeAgent;

beforeAll(async () => {
	world = await buildWorld();
	({ zone, cluster } = await createTree(world));
	agent = await startFakeAgent(zone);
});

afterAll(() => agent.close());

beforeEach(() => {
	agent.onCommand = defaultAnswer;
});

async function addHost(extra: Record<string, string> = {}): Promise<Obj> {
	const body = ok(await call(world.root, addHostParams(cluster, extra)), "addHost");
	expect(body.count).toBe(1);
	return body.host[0];
}

describe("addHost with an agent", () => {
	it("reaches the host through the agent, then records it Up with the facts the agent reported", async () => {
		const since = agent.commands.length;
		agent.onCommand = (frame, a) => {
			if (frame.name !== "host.connect") return defaultAnswer(frame, a);
			const host = fakeHost({
				id: frame.args.hostId,
				uri: frame.args.uri,
				name: "kvm-a.lab",
				cpuCount: 16,
				cpuMhz: 3000,
				memoryBytes: 64 * GiB,
				hypervisorVersion: "8.2.0",
				domainType: "kvm",
			});
			a.hosts.push(host);
			return { ok: true, result: host };
		};
		const result = await call(world.root, addHostParams(cluster, { url: "http://10.20.0.5", hosttags: "ssd,gpu" }));
		const body = ok(result, "addHost");
		expect(body.count).toBe(1);
		const [host] = body.host;
		expect(host).toMatchObject({
			name: "kvm-a.lab",
			state: "Up",
			resourcestate: "Enabled",
			type: "Routing",
			ipaddress: "10.20.0.5",
			hypervisor: "KVM",
			hypervisorversion: "8.2.0",
			cpunumber: 16,
			cpuspeed: 3000,
			memorytotal: 64 * GiB,
			cpuallocated: "0%",
			hosttags: "ssd,gpu",
			zoneid: zone.id,
			clusterid: cluster.id,
		});
		expect(host.lastpinged).toMatch(/\+0000$/);

		const connect = await agent.waitForCommand("host.connect", { since });
		expect(connect.args).toEqual({ hostId: host.id, uri: "qemu+ssh://root@10.20.0.5/system" });
		const row = await hostRow(host.id);
		expect(row).toMatchObject({ url: "qemu+ssh://root@10.20.0.5/system", domain_type: "kvm", state: "Up" });
		const [event] = await hostEvents(world, "HOST.ADD", host.id);
		expect(event.description).toContain("qemu+ssh://root@10.20.0.5/system");

		// The password goes nowhere: not to the agent, not into D1, not into a response or event.
		expect(result.text).not.toContain(HOST_PASSWORD);
		expect(JSON.stringify(agent.commands)).not.toContain(HOST_PASSWORD);
		expect(JSON.stringify(row)).not.toContain(HOST_PASSWORD);
		expect(JSON.stringify(await hostEvents(world, "HOST.ADD", host.id))).not.toContain(HOST_PASSWORD);
		const listed = await call(world.root, { command: "listHosts", id: host.id });
		expect(listed.text).not.toContain(HOST_PASSWORD);
	});

	it("uses the SSH user given, and a libvirt URI as written", async () => {
		const bySsh = await addHost({ url: "kvm-b.example", username: "virt" });
		expect((await hostRow(bySsh.id)).url).toBe("qemu+ssh://virt@kvm-b.example/system");
		const sim = await addHost({ url: "sim://sim-b?cpus=4&mhz=2000&memory=8G" });
		expect((await hostRow(sim.id)).url).toBe("sim://sim-b?cpus=4&mhz=2000&memory=8G");
		expect(sim.ipaddress).toBe("sim-b");
		const byName = await addHost({ clusterid: "", clustername: cluster.name, allocationstate: "Disabled" });
		expect(byName).toMatchObject({ clusterid: cluster.id, resourcestate: "Disabled" });
	});

	it("answers 530 with the agent's text when libvirtd cannot be reached, and records nothing", async () => {
		const before = await hostCount();
		agent.onCommand = (frame) => ({
			ok: false,
			error: {
				code: "unreachable",
				text: `Cannot reach libvirtd at ${"uri" in frame.args ? frame.args.uri : ""}: connection refused`,
			},
		});
		const result = await call(world.root, addHostParams(cluster, { url: "http://10.20.0.99" }));
		expectError(
			result,
			"addHost",
			530,
			/^Cannot reach libvirtd at qemu\+ssh:\/\/root@10\.20\.0\.99\/system: connection refused$/,
		);
		expect(result.text).not.toContain(HOST_PASSWORD);
		expect(await hostCount()).toBe(before);
		// The same url may be added once the host answers.
		agent.onCommand = defaultAnswer;
		await addHost({ url: "http://10.20.0.99" });
	});

	it("answers 530 with the agent's text for its other failures", async () => {
		const before = await hostCount();
		agent.onCommand = () => ({ ok: false, error: { code: "failed", text: "virsh: permission denied" } });
		expectError(await call(world.root, addHostParams(cluster)), "addHost", 530, /^virsh: permission denied$/);
		expect(await hostCount()).toBe(before);
	});

	it("refuses a url a host of the zone already has, before asking the agent", async () => {
		const host = await addHost({ url: "http://10.20.0.7" });
		const since = agent.commands.length;
		expectParamError(
			await call(world.root, addHostParams(cluster, { url: "10.20.0.7" })),
			"addHost",
			new RegExp(`${host.name}.*already reached by`),
		);
		expect(agent.commands.slice(since)).toEqual([]);
		expect(await listHosts(world, { zoneid: zone.id, keyword: host.name })).toHaveLength(1);
	});

	it("lists and meters the added hosts", async () => {
		const host = await addHost();
		const [metrics] = ok(await call(world.root, { command: "listHostsMetrics", id: host.id }), "listHostsMetrics").host;
		expect(metrics).toMatchObject({
			id: host.id,
			cpunumber: 8,
			cputotalghz: "19.20 Ghz",
			memorytotalgb: "16.00 GB",
			instances: "0 / 0",
		});
	});
});

describe("reconnectHost with an agent", () => {
	it("reaches the host again at its stored url and records the new facts", async () => {
		const host = await addHost({ url: "http://10.20.1.1" });
		const since = agent.commands.length;
		agent.onCommand = (frame, a) => {
			if (frame.name !== "host.connect") return defaultAnswer(frame, a);
			return { ok: true, result: fakeHost({ id: frame.args.hostId, uri: frame.args.uri, cpuCount: 32 }) };
		};
		await env.DB.prepare("UPDATE hosts SET state = 'Down' WHERE id = ?").bind(host.id).run();
		const result = await runJob(world.root, { command: "reconnectHost", id: host.id });
		expect(result.host).toMatchObject({ id: host.id, state: "Up", cpunumber: 32 });
		const connect = await agent.waitForCommand("host.connect", { since });
		expect(connect.args).toEqual({ hostId: host.id, uri: "qemu+ssh://root@10.20.1.1/system" });
		const [event] = await hostEvents(world, "HOST.RECONNECT", host.id);
		expect(event.level).toBe("INFO");
	});

	it("fails the job with the agent's text and leaves the host Down when libvirtd does not answer", async () => {
		const host = await addHost();
		agent.onCommand = () => ({
			ok: false,
			error: { code: "unreachable", text: "Cannot reach libvirtd at x: timed out" },
		});
		const job = await jobOf(
			world.root,
			await call(world.root, { command: "reconnectHost", id: host.id }),
			"reconnectHost",
		);
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 530 });
		expect(job.jobresult.errortext).toBe("Cannot reach libvirtd at x: timed out");
		expect((await hostRow(host.id)).state).toBe("Down");
	});
});

describe("deleteHost with an agent", () => {
	it("tells the agent to forget the host after deleting it", async () => {
		const host = await addHost();
		await runJob(world.root, { command: "prepareHostForMaintenance", id: host.id });
		const since = agent.commands.length;
		expect(ok(await call(world.root, { command: "deleteHost", id: host.id }), "deleteHost").success).toBe(true);
		const disconnect = await agent.waitForCommand("host.disconnect", { since });
		expect(disconnect.args).toEqual({ hostId: host.id });
		expect(await hostRow(host.id)).toBeNull();
		expect(agent.hosts.find((h) => h.id === host.id)).toBeUndefined();
	});

	it("still deletes when the agent cannot forget the host", async () => {
		const host = await addHost();
		agent.onCommand = (frame, a) =>
			frame.name === "host.disconnect"
				? { ok: false, error: { code: "failed", text: "boom" } }
				: defaultAnswer(frame, a);
		ok(await call(world.root, { command: "deleteHost", id: host.id, forced: "true" }), "deleteHost");
		expect(await hostRow(host.id)).toBeNull();
	});
});

describe("addHost access with an agent", () => {
	it("RootAdmin: addHost → allowed (the other roles get 432, see hosts.test.ts)", async () => {
		const host = await addHost();
		expect(await listHosts(world, { id: host.id }, world.readOnly)).toHaveLength(1);
	});
});
