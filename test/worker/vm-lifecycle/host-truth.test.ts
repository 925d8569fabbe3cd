/**
 * The hosts are the truth: what the fake agent reports about domains (domain.state events, the
 * domain lists of a hello and of host.refresh answers) and hosts (host.state Down/Up) moves the VMs
 * in D1 — a VM killed on its host shows Stopped with a WARN VM.STOP, a Down host's VMs are Unknown,
 * an HA VM is restarted on the other host, and a host back Up brings its VMs back to Running.
 */
import { env } from "cloudflare:workers";
import type { DomainState } from "@flarestack/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../helpers/identity-fixtures";
import { buildSite, deploy, helloHosts, type Site, until, vmOf } from "./site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
}, 60_000);

afterAll(() => site.agent.close());

beforeEach(() => {
	site.override = null;
});

function instanceName(vmId: string): string {
	return `i-${vmId.replaceAll("-", "").slice(0, 12)}-VM`;
}

function domainEvent(hostId: string, vmId: string, state: DomainState): void {
	site.agent.send({
		type: "event",
		at: Date.now(),
		kind: "domain.state",
		hostId,
		domain: { uuid: vmId, name: instanceName(vmId), state },
	});
}

async function stateOf(vmId: string): Promise<string> {
	return (await vmOf(world.root, vmId)).state;
}

async function untilState(vmId: string, state: string, timeoutMs = 10_000): Promise<Obj> {
	await until(async () => (await stateOf(vmId)) === state, `VM ${vmId} to be ${state}`, timeoutMs);
	return vmOf(world.root, vmId);
}

async function stopEvents(vmId: string): Promise<{ level: string; description: string }[]> {
	const rows = await env.DB.prepare(
		"SELECT level, description FROM events WHERE resource_id = ? AND type = 'VM.STOP' ORDER BY created",
	)
		.bind(vmId)
		.all<{ level: string; description: string }>();
	return rows.results;
}

async function hostCpu(hostId: string): Promise<number> {
	const row = await env.DB.prepare("SELECT cpu_allocated AS c FROM hosts WHERE id = ?")
		.bind(hostId)
		.first<{ c: number }>();
	return row?.c ?? -1;
}

describe("domain.state events", () => {
	it("a VM killed on its host shows Stopped with a WARN VM.STOP, its capacity released", async () => {
		const vm = await deploy(site, world.alice);
		const cpu = await hostCpu(vm.hostid);
		domainEvent(vm.hostid, vm.id, "shutoff");
		const stopped = await untilState(vm.id, "Stopped", 5000);
		expect(stopped.hostid).toBeUndefined();
		expect(await hostCpu(vm.hostid)).toBe(cpu - 1000);
		const [event] = await stopEvents(vm.id);
		expect(event?.level).toBe("WARN");
		expect(event?.description).toContain("outside the control plane");
	});

	it("ignores a report from a host the VM is not on, and VMs a job owns", async () => {
		const vm = await deploy(site, world.alice);
		const other = site.hosts.find((h: Obj) => h.id !== vm.hostid).id;
		domainEvent(other, vm.id, "shutoff");
		// A job still working on the VM: its report is not the truth yet.
		const jobId = crypto.randomUUID();
		await env.DB.prepare(
			"INSERT INTO async_jobs (id, cmd, user_id, account_id, domain_id, status, result_code, created) VALUES (?, 'x', ?, ?, ?, 0, 0, ?)",
		)
			.bind(jobId, world.alice.userId, world.alice.accountId, world.alice.domainId, Date.now())
			.run();
		await env.DB.prepare("UPDATE vm_instances SET job_id = ? WHERE id = ?").bind(jobId, vm.id).run();
		domainEvent(vm.hostid, vm.id, "shutoff");
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(await stateOf(vm.id)).toBe("Running");
		await env.DB.prepare("UPDATE async_jobs SET status = 1 WHERE id = ?").bind(jobId).run();
		domainEvent(vm.hostid, vm.id, "crashed");
		await untilState(vm.id, "Stopped", 5000);
	});

	it("ignores domains that are not VMs of the zone", async () => {
		domainEvent(site.hosts[0].id, crypto.randomUUID(), "running");
		// Nothing to assert but that the relay keeps working: a VM still deploys.
		expect((await deploy(site, world.alice)).state).toBe("Running");
	});
});

describe("hello and host.refresh domain lists", () => {
	it("a hello whose Up host lacks the VM's domain stops it", async () => {
		const vm = await deploy(site, world.alice);
		site.domains.set(
			vm.hostid,
			(site.domains.get(vm.hostid) ?? []).filter((d) => d.uuid !== vm.id),
		);
		site.agent.sendHello({ hosts: helloHosts(site) });
		await untilState(vm.id, "Stopped", 5000);
		expect((await stopEvents(vm.id))[0]?.description).toContain("shutoff");
	});
});

describe("a host that goes Down", () => {
	it("turns its VMs Unknown, restarts the HA one on the other host, and brings the rest back when it is Up", async () => {
		const plain = await deploy(site, world.root, { hostid: site.hosts[0].id });
		const ha = await deploy(site, world.root, { hostid: site.hosts[0].id, serviceofferingid: site.haOffering.id });
		const down = site.hosts[0].id;
		const spare = site.hosts[1].id;
		site.agent.hostState(down, "Down", "libvirtd does not answer");
		await untilState(plain.id, "Unknown", 5000);
		const restarted = await untilState(ha.id, "Running", 15_000);
		expect(restarted.hostid).toBe(spare);
		expect((await stopEvents(ha.id)).map((e) => e.description).join(" ")).toContain("HA");
		expect(await stateOf(plain.id)).toBe("Unknown");
		// The host returns, still running the plain VM: host.refresh's answer brings it back.
		const since = site.agent.commands.length;
		site.agent.hostState(down, "Up");
		await site.agent.waitForCommand("host.refresh", { since });
		const back = await untilState(plain.id, "Running", 5000);
		expect(back.hostid).toBe(down);
		// The HA VM stays where HA put it; its old domain on the returned host raises an alert.
		expect((await vmOf(world.root, ha.id)).hostid).toBe(spare);
		const alerts = await env.DB.prepare("SELECT name, subject FROM alerts WHERE subject LIKE ?")
			.bind(`%${instanceName(ha.id)}%`)
			.all<{ name: string; subject: string }>();
		expect(alerts.results.map((a) => a.name).sort()).toEqual(["ALERT.HA.ACTION", "ALERT.USERVM"]);
	});
});
