/**
 * The lifecycle commands through the API with the fake agent: reboot, destroy (with and without
 * expunge), recover, expunge and the expunge.delay sweep — the agent commands they send, the states
 * and events they leave, and the capacity, pool bytes and addresses given back.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	buildWorld,
	call,
	expectDenied,
	expectParamError,
	jobResult,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
import { buildSite, deploy, eventsOf, hostAllocated, type Site, vmOf } from "./site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

let world: World;
let site: Site;
let diskOffering: Obj;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
	diskOffering = ok(
		await call(world.root, { command: "createDiskOffering", name: "data-5", displaytext: "5 GB", disksize: "5" }),
		"createDiskOffering",
	).diskoffering;
}, 60_000);

afterAll(() => site.agent.close());

beforeEach(() => {
	site.override = null;
});

describe("rebootVirtualMachine", () => {
	it("sends vm.reboot to the VM's host and leaves it Running with VM.REBOOT", async () => {
		const vm = await deploy(site, world.alice);
		const since = site.agent.commands.length;
		const result = await runJob(world.alice, { command: "rebootVirtualMachine", id: vm.id });
		expect(result.virtualmachine.state).toBe("Running");
		const frame = await site.agent.waitForCommand("vm.reboot", { since });
		expect(frame.args).toEqual({ hostId: vm.hostid, name: `i-${vm.id.replaceAll("-", "").slice(0, 12)}-VM` });
		expect(await eventsOf(vm.id)).toContain("VM.REBOOT");
	});

	it("refuses a stopped VM with 431", async () => {
		const vm = await deploy(site, world.alice, { startvm: "false" });
		expectParamError(await call(world.alice, { command: "rebootVirtualMachine", id: vm.id }), "rebootVirtualMachine");
	});

	it("fails the job with the agent's text when the reset fails", async () => {
		const vm = await deploy(site, world.alice);
		site.override = (f) =>
			f.name === "vm.reboot" ? { ok: false, error: { code: "failed", text: "reset refused" } } : undefined;
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "rebootVirtualMachine", id: vm.id }),
			"rebootVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(530);
		expect(job.jobresult.errortext).toContain("reset refused");
		expect((await vmOf(world.alice, vm.id)).state).toBe("Running");
	});
});

async function volumeRows(vmId: string) {
	const rows = await env.DB.prepare(
		"SELECT id, type, state, pool_id, path, size_bytes, removed, vm_id FROM volumes WHERE vm_id = ? OR id IN (SELECT id FROM volumes WHERE vm_id IS NULL AND name LIKE 'DATA-%')",
	)
		.bind(vmId)
		.all<Obj>();
	return rows.results;
}

async function poolAllocated(): Promise<number> {
	const row = await env.DB.prepare("SELECT allocated_bytes AS a FROM storage_pools WHERE id = ?")
		.bind(site.pool.id)
		.first<{ a: number }>();
	return row?.a ?? -1;
}

async function allocatedIps(vmId: string): Promise<number> {
	const row = await env.DB.prepare(
		"SELECT count(*) AS n FROM guest_ips WHERE allocated_to IN (SELECT id FROM nics WHERE vm_id = ?)",
	)
		.bind(vmId)
		.first<{ n: number }>();
	return row?.n ?? -1;
}

describe("destroyVirtualMachine, recoverVirtualMachine, expungeVirtualMachine", () => {
	it("destroys a running VM (stop first), keeps it recoverable, gives its host capacity back", async () => {
		const vm = await deploy(site, world.alice);
		const before = await hostAllocated(vm.hostid);
		const since = site.agent.commands.length;
		const result = await runJob(world.alice, { command: "destroyVirtualMachine", id: vm.id });
		expect(result.virtualmachine.state).toBe("Destroyed");
		expect((await site.agent.waitForCommand("vm.stop", { since })).args).toMatchObject({ hostId: vm.hostid });
		const after = await hostAllocated(vm.hostid);
		expect(before.cpu - after.cpu).toBe(1000);
		expect(before.memory - after.memory).toBe(512 * 1024 * 1024);
		const root = (await volumeRows(vm.id)).find((v: Obj) => v.type === "ROOT");
		expect(root.state).toBe("Destroy");
		expect(await eventsOf(vm.id)).toEqual(expect.arrayContaining(["VM.STOP", "VM.DESTROY"]));
		// A user may not recover (CloudStack's allow.user.expunge.recover.vm is false).
		expectDenied(await call(world.alice, { command: "recoverVirtualMachine", id: vm.id }), "recoverVirtualMachine");
		const recovered = ok(
			await call(world.root, { command: "recoverVirtualMachine", id: vm.id }),
			"recoverVirtualMachine",
		);
		expect(recovered.virtualmachine.state).toBe("Stopped");
		expect((await volumeRows(vm.id)).find((v: Obj) => v.type === "ROOT").state).toBe("Ready");
		expect(await eventsOf(vm.id)).toContain("VM.RECOVER");
		// Recovered VMs start again.
		const started = await runJob(world.alice, { command: "startVirtualMachine", id: vm.id });
		expect(started.virtualmachine.state).toBe("Running");
	});

	it("destroys the data volumes named in volumeids with the VM, and refuses volumes of other VMs", async () => {
		const vm = await deploy(site, world.alice, { diskofferingid: diskOffering.id });
		const other = await deploy(site, world.alice, { diskofferingid: diskOffering.id, startvm: "false" });
		const data = (await volumeRows(vm.id)).find((v: Obj) => v.type === "DATADISK");
		const foreign = (await volumeRows(other.id)).find((v: Obj) => v.type === "DATADISK");
		expectParamError(
			await call(world.alice, { command: "destroyVirtualMachine", id: vm.id, volumeids: foreign.id }),
			"destroyVirtualMachine",
			/not a data volume/,
		);
		const since = site.agent.commands.length;
		await runJob(world.root, { command: "destroyVirtualMachine", id: vm.id, expunge: "true", volumeids: data.id });
		const gone = await env.DB.prepare("SELECT state, removed FROM volumes WHERE id = ?").bind(data.id).first<Obj>();
		expect(gone.state).toBe("Expunged");
		expect(gone.removed).toBeGreaterThan(0);
		const paths = site.agent.commands.slice(since).map((c) => (c.args as { path?: string }).path);
		expect(paths).toContain(data.path);
	});

	it("refuses destroying a Destroyed VM, and expunge=true from a user (531)", async () => {
		const vm = await deploy(site, world.alice, { startvm: "false" });
		expectDenied(
			await call(world.alice, { command: "destroyVirtualMachine", id: vm.id, expunge: "true" }),
			"destroyVirtualMachine",
		);
		await runJob(world.alice, { command: "destroyVirtualMachine", id: vm.id });
		expectParamError(
			await call(world.alice, { command: "destroyVirtualMachine", id: vm.id }),
			"destroyVirtualMachine",
			/Destroyed/,
		);
	});

	it("expunge=true removes the files, releases pool bytes and addresses, and the VM disappears", async () => {
		const vm = await deploy(site, world.alice);
		const vols = await volumeRows(vm.id);
		const root = vols.find((v: Obj) => v.type === "ROOT");
		expect(root.pool_id).toBe(site.pool.id);
		expect(await allocatedIps(vm.id)).toBe(1);
		const poolBefore = await poolAllocated();
		const since = site.agent.commands.length;
		await runJob(world.root, { command: "destroyVirtualMachine", id: vm.id, expunge: "true" });
		const removes = site.agent.commands.slice(since).filter((c) => c.name === "store.remove");
		const paths = removes.map((c) => (c.args as { path: string }).path);
		expect(paths).toEqual(expect.arrayContaining([root.path, `configdrive-${vm.id}.iso`]));
		expect(poolBefore - (await poolAllocated())).toBe(root.size_bytes);
		expect(await allocatedIps(vm.id)).toBe(0);
		const gone = await env.DB.prepare(
			"SELECT count(*) AS n FROM guest_ips WHERE allocated_to IS NOT NULL AND address = ?",
		)
			.bind(vm.nic[0].ipaddress)
			.first<{ n: number }>();
		expect(gone?.n).toBe(0);
		expect(await vmOf(world.root, vm.id)).toBeUndefined();
		const row = await env.DB.prepare("SELECT state, removed FROM vm_instances WHERE id = ?").bind(vm.id).first<Obj>();
		expect(row.state).toBe("Expunging");
		expect(row.removed).toBeGreaterThan(0);
		expect(await eventsOf(vm.id)).toEqual(expect.arrayContaining(["VM.DESTROY", "VM.EXPUNGE"]));
	});

	it("expungeVirtualMachine needs a Destroyed VM and an admin; a data disk not named survives detached", async () => {
		const vm = await deploy(site, world.alice, { diskofferingid: diskOffering.id });
		const data = (await volumeRows(vm.id)).find((v: Obj) => v.type === "DATADISK");
		expect(data).toBeDefined();
		expectParamError(
			await call(world.root, { command: "expungeVirtualMachine", id: vm.id }),
			"expungeVirtualMachine",
			/it is Running/,
		);
		await runJob(world.alice, { command: "destroyVirtualMachine", id: vm.id });
		expectDenied(await call(world.alice, { command: "expungeVirtualMachine", id: vm.id }), "expungeVirtualMachine");
		const result = await runJob(world.root, { command: "expungeVirtualMachine", id: vm.id });
		expect(result.success).toBe(true);
		expect(await vmOf(world.root, vm.id)).toBeUndefined();
		const kept = await env.DB.prepare("SELECT vm_id, state, removed FROM volumes WHERE id = ?")
			.bind(data.id)
			.first<Obj>();
		expect(kept).toMatchObject({ vm_id: null, removed: null });
		expect(kept.state).not.toBe("Destroy");
		// A later start of the expunged VM is a 431 "not found".
		expectParamError(await call(world.alice, { command: "startVirtualMachine", id: vm.id }), "startVirtualMachine");
	});

	it("a start queued behind a destroy fails with 431 '… is Destroyed'", async () => {
		const vm = await deploy(site, world.alice, { startvm: "false" });
		const destroy = await call(world.alice, { command: "destroyVirtualMachine", id: vm.id });
		const start = await call(world.alice, { command: "startVirtualMachine", id: vm.id });
		expect((await jobResult(world.alice, destroy, "destroyVirtualMachine")).jobstatus).toBe(1);
		const job = await jobResult(world.alice, start, "startVirtualMachine");
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(431);
		expect(job.jobresult.errortext).toContain("Destroyed");
	});
});

describe("the expunge.delay sweep", () => {
	it("expunges VMs destroyed longer ago than expunge.delay, and only those", async () => {
		const { sweepDestroyedVms } = await import("../../../worker/src/vms/expunge");
		const { depsFor } = await import("../../../worker/src/deps");
		const old = await deploy(site, world.alice, { startvm: "false" });
		const fresh = await deploy(site, world.alice, { startvm: "false" });
		await runJob(world.alice, { command: "destroyVirtualMachine", id: old.id });
		await runJob(world.alice, { command: "destroyVirtualMachine", id: fresh.id });
		// As if `old` had been destroyed two days ago (expunge.delay is one day by default).
		await env.DB.prepare("UPDATE vm_instances SET destroyed = destroyed - 172800000 WHERE id = ?").bind(old.id).run();
		const started = await sweepDestroyedVms(await depsFor(env));
		expect(started).toBeGreaterThanOrEqual(1);
		const jobId = (
			await env.DB.prepare("SELECT job_id AS j FROM vm_instances WHERE id = ?").bind(old.id).first<{ j: string }>()
		)?.j;
		const job = await (await import("../../helpers/identity-fixtures")).waitForJob(world.alice, jobId ?? "");
		expect(job.jobstatus).toBe(1);
		expect(await vmOf(world.root, old.id)).toBeUndefined();
		expect((await vmOf(world.root, fresh.id)).state).toBe("Destroyed");
		// A second sweep right away starts nothing for them.
		expect(await sweepDestroyedVms(await depsFor(env))).toBe(0);
	});
});
