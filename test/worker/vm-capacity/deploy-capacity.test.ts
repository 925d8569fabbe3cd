/**
 * listCapacity and the hosts' and pools' bookkeeping across a VM's life, through the API with the
 * fake agent (the lifecycle tests' site: two 8 × 2400 MHz, 16 GiB sim hosts, one NFS pool):
 * deploy reserves CPU, memory, cores and the root disk's bytes; stop gives the host's share
 * back and keeps the disk; start takes it again; expunge frees the disk; deploys that do not fit
 * fail with 533 leaving nothing behind (address, volume, domain, reservation), also when many
 * race for the last room; a disabled host gets nothing.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import { FAKE_IMAGE_SIZE } from "../../helpers/fake-agent";
import {
	buildWorld,
	call,
	jobResult,
	listItems,
	ok,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { buildSite, deploy, type Site, vmOf } from "../vm-lifecycle/site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const MiB = 1024 ** 2;
let world: World;
let site: Site;
/** 4 vCPUs × 2400 MHz, 1 GiB: two fill one host's CPU exactly. */
let halfHost: Obj;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
	halfHost = ok(
		await call(world.root, {
			command: "createServiceOffering",
			name: unique("half-"),
			displaytext: "half a host",
			cpunumber: "4",
			cpuspeed: "2400",
			memory: "1024",
		}),
		"createServiceOffering",
	).serviceoffering;
}, 60_000);

afterAll(() => site.agent.close());

beforeEach(() => {
	site.override = null;
});

interface Figures {
	cpu: number;
	memory: number;
	cores: number;
	storage: number;
	ips: number;
}

async function figures(): Promise<Figures> {
	const items = await listItems(world.root, "listCapacity", "capacity", { zoneid: site.zone.id });
	const used = (name: string) => items.find((c: Obj) => c.name === name)?.capacityused as number;
	return {
		cpu: used("CPU"),
		memory: used("MEMORY"),
		cores: used("CPU_CORE"),
		storage: used("STORAGE_ALLOCATED"),
		ips: used("DIRECT_ATTACHED_PUBLIC_IP"),
	};
}

async function rows(sql: string, ...binds: unknown[]): Promise<Obj[]> {
	return (
		await env.DB.prepare(sql)
			.bind(...binds)
			.all()
	).results;
}

async function hostTotals(): Promise<{ cpu: number; memory: number }> {
	const [row] = await rows(
		"SELECT sum(cpu_allocated) AS cpu, sum(memory_allocated) AS memory FROM hosts WHERE zone_id = ?",
		site.zone.id,
	);
	return { cpu: row.cpu, memory: row.memory };
}

/** Stops every VM of the zone so each test starts with empty hosts. */
async function stopAll(): Promise<void> {
	const vms = await listItems(world.root, "listVirtualMachines", "virtualmachine", {
		zoneid: site.zone.id,
		listall: "true",
		state: "Running",
	});
	for (const vm of vms) await runJob(world.root, { command: "stopVirtualMachine", id: vm.id, forced: "true" });
}

function deployCall(params: Params = {}) {
	return call(world.alice, {
		command: "deployVirtualMachine",
		zoneid: site.zone.id,
		serviceofferingid: site.offering.id,
		templateid: site.template.id,
		...params,
	});
}

describe("a VM's life in listCapacity", { timeout: 60_000 }, () => {
	it("deploy reserves CPU, memory, a core, an address and the root disk; stop/start move only the host's share", async () => {
		await stopAll();
		const before = await figures();
		const vm = await deploy(site, world.alice);
		let now = await figures();
		// The site's offering: 1 × 1000 MHz, 512 MB; the root disk is the template's size.
		expect(now.cpu - before.cpu).toBe(1000);
		expect(now.memory - before.memory).toBe(512 * MiB);
		expect(now.cores - before.cores).toBe(1);
		expect(now.storage - before.storage).toBe(FAKE_IMAGE_SIZE);
		expect(now.ips - before.ips).toBe(1);
		const [host] = await listItems(world.root, "listHosts", "host", { id: vm.hostid });
		expect(host.cpuallocatedvalue).toBeGreaterThanOrEqual(1000);

		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		now = await figures();
		expect(now.cpu).toBe(before.cpu);
		expect(now.memory).toBe(before.memory);
		expect(now.cores).toBe(before.cores);
		// A stopped VM keeps its disk and its address.
		expect(now.storage - before.storage).toBe(FAKE_IMAGE_SIZE);
		expect(now.ips - before.ips).toBe(1);

		await runJob(world.alice, { command: "startVirtualMachine", id: vm.id });
		now = await figures();
		expect(now.cpu - before.cpu).toBe(1000);
		expect(now.cores - before.cores).toBe(1);
	});

	it("expunge gives back the disk, the address and the host's share", async () => {
		const before = await figures();
		const vm = await deploy(site, world.alice);
		// Expunging at once is for admins (allow.user.expunge.recover.vm is off).
		await runJob(world.root, { command: "destroyVirtualMachine", id: vm.id, expunge: "true" });
		expect(await figures()).toEqual(before);
	});

	it("a data disk adds its bytes to the pool", async () => {
		const offering = ok(
			await call(world.root, {
				command: "createDiskOffering",
				name: unique("do-"),
				displaytext: "3 GiB",
				disksize: "3",
			}),
			"createDiskOffering",
		).diskoffering;
		const before = await figures();
		await deploy(site, world.alice, { diskofferingid: offering.id, startvm: "false" });
		expect((await figures()).storage - before.storage).toBe(FAKE_IMAGE_SIZE + 3 * 1024 ** 3);
	});

	it("a data volume holds pool bytes from attach (when it is made) until it is deleted", async () => {
		const offering = ok(
			await call(world.root, {
				command: "createDiskOffering",
				name: unique("do-"),
				displaytext: "2 GiB",
				disksize: "2",
			}),
			"createDiskOffering",
		).diskoffering;
		const vm = await deploy(site, world.alice, { startvm: "false" });
		const before = await figures();
		const volume = (
			await runJob(world.alice, {
				command: "createVolume",
				name: unique("data-"),
				zoneid: site.zone.id,
				diskofferingid: offering.id,
			})
		).volume;
		// Allocated: not on a pool yet.
		expect((await figures()).storage).toBe(before.storage);
		await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id });
		expect((await figures()).storage - before.storage).toBe(2 * 1024 ** 3);
		await runJob(world.alice, { command: "detachVolume", id: volume.id });
		expect((await figures()).storage - before.storage).toBe(2 * 1024 ** 3);
		ok(await call(world.alice, { command: "deleteVolume", id: volume.id }), "deleteVolume");
		// deleteVolume may finish on the site in the background: wait for the bytes to come back.
		const end = Date.now() + 10_000;
		while ((await figures()).storage !== before.storage && Date.now() < end) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect((await figures()).storage).toBe(before.storage);
	});

	it("live migration moves the host's share from the source to the target", async () => {
		await stopAll();
		const vm = await deploy(site, world.alice, { serviceofferingid: halfHost.id });
		const target = site.hosts.find((h: Obj) => h.id !== vm.hostid);
		const byHost = async () =>
			Object.fromEntries(
				(
					await rows(
						"SELECT id, cpu_allocated AS cpu, memory_allocated AS memory FROM hosts WHERE zone_id = ?",
						site.zone.id,
					)
				).map((h) => [h.id, { cpu: h.cpu, memory: h.memory }]),
			);
		const before = await byHost();
		expect(before[vm.hostid]).toEqual({ cpu: 4 * 2400, memory: 1024 * MiB });
		const totals = await figures();
		const moved = await runJob(world.root, {
			command: "migrateVirtualMachine",
			virtualmachineid: vm.id,
			hostid: target.id,
		});
		expect(moved.virtualmachine.hostid).toBe(target.id);
		const after = await byHost();
		expect(after[vm.hostid]).toEqual({ cpu: 0, memory: 0 });
		expect(after[target.id]).toEqual({ cpu: 4 * 2400, memory: 1024 * MiB });
		expect(await figures()).toEqual(totals);
	});

	it("a root disk larger than the pool can take fails with 533 and reserves nothing", async () => {
		const before = await figures();
		// The fake pool has 10 TiB; with storage.overprovisioning.factor 2 at most 20 TiB fit.
		const job = await jobResult(
			world.alice,
			await deployCall({ rootdisksize: String(25 * 1024) }),
			"deployVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(533);
		expect(await figures()).toEqual(before);
	});
});

describe("no capacity", { timeout: 60_000 }, () => {
	it("fails the job with 533 and leaves nothing behind", async () => {
		await stopAll();
		// Four half-host VMs fill both hosts' CPU (2 × 8 × 2400 MHz).
		for (let i = 0; i < 4; i++) await deploy(site, world.alice, { serviceofferingid: halfHost.id });
		const before = await figures();
		const since = site.agent.commands.length;
		const job = await jobResult(
			world.alice,
			await deployCall({ serviceofferingid: halfHost.id }),
			"deployVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(533);
		expect(job.jobresult.errortext).toMatch(/\S/);
		expect(await figures()).toEqual(before);
		// The failed VM is not left Starting or Running; no domain was started for it.
		expect(job.jobinstanceid).toMatch(/^[0-9a-f-]{36}$/);
		{
			const vm = await vmOf(world.alice, job.jobinstanceid);
			expect(vm === undefined || ["Error", "Stopped", "Destroyed", "Expunging"].includes(vm.state)).toBe(true);
			const [held] = await rows(
				"SELECT count(*) AS n FROM volumes WHERE vm_id = ? AND removed IS NULL AND pool_id IS NOT NULL",
				job.jobinstanceid,
			);
			expect(held.n).toBe(0);
			const [nicIps] = await rows(
				"SELECT count(*) AS n FROM guest_ips WHERE allocated_to IN (SELECT id FROM nics WHERE vm_id = ?)",
				job.jobinstanceid,
			);
			expect(nicIps.n).toBe(0);
		}
		const started = site.agent.commands.slice(since).filter((f) => f.name === "vm.start");
		expect(started).toEqual([]);
	});

	it("many deploys racing for the last room: as many succeed as fit, the others 533, never overfilled", async () => {
		await stopAll();
		const limit = await hostTotals();
		expect(limit).toEqual({ cpu: 0, memory: 0 });
		const results = await Promise.all(
			Array.from({ length: 7 }, async () =>
				jobResult(world.alice, await deployCall({ serviceofferingid: halfHost.id }), "deployVirtualMachine", 60_000),
			),
		);
		const done = results.filter((j) => j.jobstatus === 1);
		const failed = results.filter((j) => j.jobstatus === 2);
		expect(done).toHaveLength(4);
		expect(failed.map((j) => j.jobresult.errorcode)).toEqual([533, 533, 533]);
		expect(await hostTotals()).toEqual({ cpu: 4 * 4 * 2400, memory: 4 * 1024 * MiB });
		const hostRows = await rows("SELECT cpu_allocated AS cpu FROM hosts WHERE zone_id = ?", site.zone.id);
		for (const h of hostRows) expect(h.cpu).toBeLessThanOrEqual(8 * 2400);
	}, 120_000);

	it("a disabled host takes no VM: the planner uses the other one", async () => {
		await stopAll();
		const [disabled, other] = site.hosts;
		ok(await call(world.root, { command: "updateHost", id: disabled.id, allocationstate: "Disable" }), "updateHost");
		try {
			for (let i = 0; i < 2; i++) {
				const vm = await deploy(site, world.alice, { serviceofferingid: halfHost.id });
				expect(vm.hostid).toBe(other.id);
			}
			const job = await jobResult(
				world.alice,
				await deployCall({ serviceofferingid: halfHost.id }),
				"deployVirtualMachine",
			);
			expect(job.jobresult.errorcode).toBe(533);
			const [row] = await rows("SELECT cpu_allocated AS cpu FROM hosts WHERE id = ?", disabled.id);
			expect(row.cpu).toBe(0);
		} finally {
			ok(await call(world.root, { command: "updateHost", id: disabled.id, allocationstate: "Enable" }), "updateHost");
		}
	});
});
