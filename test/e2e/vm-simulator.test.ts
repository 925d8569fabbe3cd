/**
 * The seed's whole instance flow on the simulator, with many hosts: a private `wrangler dev`, the
 * real relay agent process (simulator driver: in-memory domains and storage) and CloudStack's own
 * client (`python3 -m cs`) for every step: zone → pod → guest range → cluster → 12 sim:// hosts →
 * primary and secondary storage → registerTemplate (a real download) → offerings → deploy (async,
 * the job polled with queryAsyncJobResult and its CloudStack fields checked) → many deploys spread
 * over the hosts → stop → start → snapshot → live-migrate → destroy + expunge, with events and
 * listCapacity after each change; no capacity → 533 with nothing half-made; conflicting actions on
 * one VM; a host in maintenance; the agent killed mid-deploy. Needs python3-cs and qemu-img.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csError, eventsFor, finishedJob, hasCsClient, type Json, vmInState, vmRow, waitFor } from "./vm-cloud.ts";
import { type Harness, startHarness } from "./vm-harness.ts";
import { buildSimSite, type SimSite } from "./vm-sim-site.ts";

const run = promisify(execFile);
const HOSTS = 12;
const canRun =
	(await hasCsClient()) &&
	(await run("sh", ["-c", "command -v qemu-img"]).then(
		() => true,
		() => false,
	));

let h: Harness;
let site: SimSite;
let vm: Json;

/** deployVirtualMachine --async: the immediate {id, jobid}. */
async function deploy(extra: Record<string, string> = {}): Promise<{ id: string; jobid: string }> {
	const answer = await h.cs.call(
		"deployVirtualMachine",
		{
			zoneid: h.cloud.zoneId,
			serviceofferingid: site.small.id,
			templateid: site.template.id,
			...extra,
		},
		{ wait: false },
	);
	expect(answer, JSON.stringify(answer)).toMatchObject({ id: expect.any(String), jobid: expect.any(String) });
	return answer as { id: string; jobid: string };
}

async function capacity(type: number): Promise<Json | undefined> {
	const list = (await h.cs.call("listCapacity", { zoneid: h.cloud.zoneId })).capacity ?? [];
	return list.find((c: Json) => c.type === type);
}

/** CPU (1), memory (0), guest addresses (8), primary allocated (3): capacityused of each. */
interface Used {
	memory: number;
	cpu: number;
	storageAllocated: number;
	guestIps: number;
}

async function used(): Promise<Used> {
	const list = (await h.cs.call("listCapacity", { zoneid: h.cloud.zoneId })).capacity ?? [];
	const of = (type: number) => Number(list.find((c: Json) => c.type === type)?.capacityused ?? 0);
	return { memory: of(0), cpu: of(1), storageAllocated: of(3), guestIps: of(8) };
}

describe.skipIf(!canRun)("instances on the simulator through python3 -m cs", () => {
	beforeAll(async () => {
		h = await startHarness({ driver: "simulator", name: "vm-sim", guestCount: 140 });
		site = await buildSimSite(h, { hosts: HOSTS, cpus: 8, mhz: 2000, memory: "16G", latency: 5 });
	});

	afterAll(async () => {
		await site?.server.close();
		await h?.dispose();
	});

	it("the site: 12 hosts Up in the cluster, the template Ready, the zone Enabled", async () => {
		const hosts = (await h.cs.call("listHosts", { zoneid: h.cloud.zoneId, type: "Routing" })).host ?? [];
		expect(hosts).toHaveLength(HOSTS);
		for (const host of hosts) expect(host).toMatchObject({ state: "Up", clusterid: h.cloud.clusterId });
		expect(site.template).toMatchObject({ isready: true });
	});

	it("deployVirtualMachine answers {id, jobid} at once; the job ends with the Running VM and CloudStack's job fields", async () => {
		const before = await used();
		const { id, jobid } = await deploy({ name: "sim-web-1", displayname: "Web one" });
		const job = await finishedJob(h.cs, jobid);
		expect(job, JSON.stringify(job)).toMatchObject({
			jobid,
			jobstatus: 1,
			jobresultcode: 0,
			jobresulttype: "object",
			jobinstancetype: "VirtualMachine",
			jobinstanceid: id,
			cmd: expect.stringContaining("DeployVMCmd"),
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/),
			completed: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		vm = job.jobresult.virtualmachine;
		expect(vm).toMatchObject({
			id,
			name: "sim-web-1",
			displayname: "Web one",
			state: "Running",
			zoneid: h.cloud.zoneId,
			templateid: site.template.id,
			serviceofferingid: site.small.id,
			cpunumber: 1,
			cpuspeed: 500,
			memory: 256,
			hypervisor: "KVM",
			instancename: `i-${id.replaceAll("-", "").slice(0, 12)}-VM`,
		});
		expect(site.hosts.map((x) => x.id)).toContain(vm.hostid);
		expect(vm.nic?.[0]?.ipaddress).toMatch(/^10\.\d+\.0\.(1\d\d|2[0-4]\d)$/);
		expect(vm.nic[0]).toMatchObject({ isdefault: true, macaddress: expect.stringMatching(/^02:00:/) });
		const root = (await h.cs.call("listVolumes", { virtualmachineid: id, type: "ROOT" })).volume ?? [];
		expect(root).toHaveLength(1);
		expect(root[0]).toMatchObject({ type: "ROOT", state: "Ready", storageid: site.poolId });
		const after = await used();
		expect(after.cpu - before.cpu).toBe(500);
		expect(after.memory - before.memory).toBe(256 * 1024 ** 2);
		expect(after.guestIps - before.guestIps).toBe(1);
		for (const type of ["VM.CREATE", "VM.START"]) expect(await eventsFor(h.cs, type, id)).not.toHaveLength(0);
		// listAsyncJobs shows it too.
		const jobs = (await h.cs.call("listAsyncJobs", { listall: "true" })).asyncjobs ?? [];
		expect(jobs.find((j: Json) => j.jobid === jobid)).toMatchObject({ jobstatus: 1, jobinstanceid: id });
	});

	it("24 deploys at once spread over the hosts, each with its own address", async () => {
		const answers = await Promise.all(
			Array.from({ length: 24 }, (_, i) =>
				h.api.call("deployVirtualMachine", {
					zoneid: h.cloud.zoneId,
					serviceofferingid: site.small.id,
					templateid: site.template.id,
					name: `sim-batch-${i}`,
				}),
			),
		);
		const jobs = await Promise.all(answers.map((a) => finishedJob(h.cs, a.jobid)));
		for (const job of jobs) expect(job.jobstatus, JSON.stringify(job.jobresult)).toBe(1);
		const vms = jobs.map((j) => j.jobresult.virtualmachine);
		expect(new Set(vms.map((v) => v.nic[0].ipaddress)).size).toBe(24);
		expect(new Set(vms.map((v) => v.hostid)).size).toBeGreaterThan(1);
		const listed = await h.cs.call("listVirtualMachines", {
			zoneid: h.cloud.zoneId,
			state: "Running",
			listall: "true",
		});
		expect(listed.count).toBeGreaterThanOrEqual(25);
	});

	it("listVirtualMachines filters: name, keyword, hostid, ids, state", async () => {
		const byName = await h.cs.call("listVirtualMachines", { name: "sim-web-1", listall: "true" });
		expect(byName.virtualmachine?.map((v: Json) => v.id)).toEqual([vm.id]);
		const byKeyword = await h.cs.call("listVirtualMachines", { keyword: "sim-batch", listall: "true" });
		expect(byKeyword.count).toBe(24);
		const onHost = await h.cs.call("listVirtualMachines", { hostid: vm.hostid, listall: "true" });
		expect(onHost.virtualmachine?.every((v: Json) => v.hostid === vm.hostid)).toBe(true);
		const ids = await h.cs.call("listVirtualMachines", { ids: vm.id, listall: "true" });
		expect(ids.count).toBe(1);
		const stopped = await h.cs.call("listVirtualMachines", {
			state: "Stopped",
			zoneid: h.cloud.zoneId,
			listall: "true",
		});
		expect(stopped.count ?? 0).toBe(0);
	});

	it("stopVirtualMachine (the client waits for the job) → Stopped, capacity released; start → Running", async () => {
		const before = await used();
		const stopped = await h.cs.call("stopVirtualMachine", { id: vm.id });
		expect(stopped.virtualmachine).toMatchObject({ id: vm.id, state: "Stopped" });
		expect(stopped.virtualmachine.hostid).toBeUndefined();
		const mid = await used();
		expect(before.cpu - mid.cpu).toBe(500);
		expect(await eventsFor(h.cs, "VM.STOP", vm.id)).not.toHaveLength(0);
		const started = await h.cs.call("startVirtualMachine", { id: vm.id });
		expect(started.virtualmachine).toMatchObject({ id: vm.id, state: "Running" });
		vm = started.virtualmachine;
		expect((await used()).cpu).toBe(before.cpu);
	});

	it("createSnapshot of the ROOT volume → BackedUp on secondary storage; listSnapshots", async () => {
		const root = (await h.cs.call("listVolumes", { virtualmachineid: vm.id, type: "ROOT" })).volume[0];
		const snap = (await h.cs.call("createSnapshot", { volumeid: root.id })).snapshot;
		expect(snap).toMatchObject({ volumeid: root.id, state: "BackedUp" });
		const listed = (await h.cs.call("listSnapshots", { volumeid: root.id })).snapshot ?? [];
		expect(listed.map((s: Json) => s.id)).toContain(snap.id);
		expect(await eventsFor(h.cs, "SNAPSHOT.CREATE", snap.id)).not.toHaveLength(0);
	});

	it("migrateVirtualMachine (live) to another host of the cluster", async () => {
		const target = site.hosts.find((x) => x.id !== vm.hostid) as Json;
		const moved = await h.cs.call("migrateVirtualMachine", { virtualmachineid: vm.id, hostid: target.id });
		expect(moved.virtualmachine).toMatchObject({ id: vm.id, state: "Running", hostid: target.id });
		const hostRow = (await h.cs.call("listHosts", { id: target.id })).host[0];
		expect(Number(hostRow.cpuallocatedvalue ?? hostRow.cpuallocated ?? 0)).not.toBe(0);
		expect(await eventsFor(h.cs, "VM.MIGRATE", vm.id)).not.toHaveLength(0);
		vm = moved.virtualmachine;
	});

	it("no capacity: the job fails with 533 and nothing half-made remains", async () => {
		const before = await used();
		const volumesBefore = (await h.cs.call("listVolumes", { listall: "true" })).count ?? 0;
		const { id, jobid } = await deploy({ serviceofferingid: site.huge.id, name: "sim-too-big" });
		const job = await finishedJob(h.cs, jobid);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult).toMatchObject({ errorcode: 533, errortext: expect.any(String) });
		console.log(`no capacity: ${job.jobresult.errortext}`);
		expect(await used()).toEqual(before);
		expect((await h.cs.call("listVolumes", { listall: "true" })).count ?? 0).toBe(volumesBefore);
		const row = await vmRow(h.cs, id);
		if (row) expect(row.state).toMatch(/Error|Destroyed|Expunging/);
	});

	it("two conflicting actions on one VM: one wins, the other gets a clear error", async () => {
		const target = (await h.cs.call("listVirtualMachines", { name: "sim-batch-0", listall: "true" })).virtualmachine[0];
		const [destroy, start] = await Promise.all([
			h.cs.call("destroyVirtualMachine", { id: target.id, expunge: "true" }, { wait: false }),
			h.cs.call("stopVirtualMachine", { id: target.id }, { wait: false }).catch((error: unknown) => ({ error })),
		]);
		const destroyed = await finishedJob(h.cs, destroy.jobid);
		if ("error" in start) {
			expect(csError(start.error).errortext).toBeTruthy();
			expect(destroyed.jobstatus).toBe(1);
		} else {
			const other = await finishedJob(h.cs, (start as Json).jobid);
			const outcomes = [destroyed.jobstatus, other.jobstatus].sort();
			// Queued on the same VM: the stop runs first and the destroy after it, or the stop finds it gone.
			expect(outcomes.includes(1)).toBe(true);
			const failed = [destroyed, other].find((j) => j.jobstatus === 2);
			if (failed)
				expect(String(failed.jobresult.errortext)).toMatch(
					/Destroyed|Expung|state|not found|Unable to find|does not exist/i,
				);
		}
	});

	it("a VM cannot be started on a host in maintenance", async () => {
		const host = site.hosts.find((x) => x.id !== vm.hostid) as Json;
		const other = (await h.cs.call("listVirtualMachines", { name: "sim-batch-1", listall: "true" })).virtualmachine[0];
		await h.cs.call("stopVirtualMachine", { id: other.id });
		await h.cs.call("prepareHostForMaintenance", { id: host.id });
		await waitFor(
			"maintenance",
			async () => (await h.cs.call("listHosts", { id: host.id })).host[0].resourcestate === "Maintenance",
			60_000,
			250,
		);
		try {
			const refused = await h.cs.call("startVirtualMachine", { id: other.id, hostid: host.id }).then(
				(answer) => ({ started: JSON.stringify(answer), errortext: undefined }),
				(error: unknown) => ({ started: undefined, ...csError(error) }),
			);
			expect(refused.started, "started on a host in maintenance").toBeUndefined();
			expect(refused.errortext).toBeTruthy();
			console.log(`start on a host in maintenance: ${refused.errortext}`);
			expect((await vmRow(h.cs, other.id))?.state).toBe("Stopped");
		} finally {
			await h.cs.call("cancelHostMaintenance", { id: host.id });
		}
	});

	it("the agent SIGKILLed mid-deploy: the job still ends (completed or failed cleanly) in bounded time", async () => {
		const { id, jobid } = await deploy({ name: "sim-killed" });
		await h.restartAgent();
		const started = Date.now();
		const job = await finishedJob(h.cs, jobid, 120_000);
		console.log(`deploy across an agent restart: jobstatus ${job.jobstatus} after ${Date.now() - started} ms`);
		if (job.jobstatus === 1) expect((await vmInState(h.cs, id, "Running")).id).toBe(id);
		else expect(String(job.jobresult.errortext)).not.toBe("");
	});

	it("destroyVirtualMachine expunge=true: gone from the lists, its volume and address released, events", async () => {
		const before = await used();
		const root = (await h.cs.call("listVolumes", { virtualmachineid: vm.id, type: "ROOT" })).volume[0];
		await h.cs.call("destroyVirtualMachine", { id: vm.id, expunge: "true" });
		await waitFor("the VM expunged", async () => !(await vmRow(h.cs, vm.id)), 30_000, 250);
		const volumes = (await h.cs.call("listVolumes", { id: root.id, listall: "true" })).volume ?? [];
		expect(volumes).toHaveLength(0);
		const after = await used();
		expect(before.cpu - after.cpu).toBe(500);
		expect(before.guestIps - after.guestIps).toBe(1);
		expect(before.storageAllocated - after.storageAllocated).toBe(Number(root.size));
		for (const type of ["VM.DESTROY", "VM.EXPUNGE"]) expect(await eventsFor(h.cs, type, vm.id)).not.toHaveLength(0);
		expect(await capacity(8)).toMatchObject({ capacitytotal: 140 });
	});
});

describe.runIf(!canRun)("instances on the simulator", () => {
	it.skip("needs python3-cs and qemu-img", () => {});
});
