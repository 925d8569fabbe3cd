/**
 * The commands that change a VM in place, through the API with the fake agent: live migration
 * (capacity moved, failures rolled back), scaleVirtualMachine, updateVirtualMachine and
 * listVirtualMachinesMetrics.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	buildWorld,
	call,
	expectDenied,
	expectParamError,
	jobResult,
	listItems,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
import { buildSite, deploy, eventsOf, hostAllocated, type Site, vmOf } from "./site";

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

describe("migrateVirtualMachine", () => {
	it("live-migrates to the other host of the cluster, moving the capacity, with VM.MIGRATE", async () => {
		const vm = await deploy(site, world.alice);
		const source = vm.hostid;
		const target = site.hosts.find((h: Obj) => h.id !== source).id;
		const before = { source: await hostAllocated(source), target: await hostAllocated(target) };
		const since = site.agent.commands.length;
		const result = await runJob(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id });
		expect(result.virtualmachine.state).toBe("Running");
		expect(result.virtualmachine.hostid).toBe(target);
		const frame = await site.agent.waitForCommand("vm.migrate", { since });
		expect(frame.args).toMatchObject({ hostId: source, targetHostId: target });
		expect((await hostAllocated(source)).cpu).toBe(before.source.cpu - 1000);
		expect((await hostAllocated(target)).cpu).toBe(before.target.cpu + 1000);
		expect(await eventsOf(vm.id)).toContain("VM.MIGRATE");
	});

	it("refuses users (432), stopped VMs and the VM's own host (431)", async () => {
		const vm = await deploy(site, world.alice);
		expect((await call(world.alice, { command: "migrateVirtualMachine", virtualmachineid: vm.id })).status).toBe(432);
		expectParamError(
			await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id, hostid: vm.hostid }),
			"migrateVirtualMachine",
			/already runs/,
		);
		const stopped = await deploy(site, world.alice, { startvm: "false" });
		expectParamError(
			await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: stopped.id }),
			"migrateVirtualMachine",
		);
	});

	it("refuses a target host in maintenance (431) and another account's VM (531)", async () => {
		const vm = await deploy(site, world.alice);
		const target = site.hosts.find((h: Obj) => h.id !== vm.hostid).id;
		await env.DB.prepare("UPDATE hosts SET resource_state = 'Maintenance' WHERE id = ?").bind(target).run();
		try {
			expectParamError(
				await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id, hostid: target }),
				"migrateVirtualMachine",
				/Maintenance/,
			);
			// With no hostid there is no other host left: the job fails with 533 (CloudStack's async errors).
			const none = await jobResult(
				world.root,
				await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id }),
				"migrateVirtualMachine",
			);
			expect(none.jobstatus).toBe(2);
			expect(none.jobresult.errorcode).toBe(533);
		} finally {
			await env.DB.prepare("UPDATE hosts SET resource_state = 'Enabled' WHERE id = ?").bind(target).run();
		}
		expectDenied(await call(world.carol, { command: "destroyVirtualMachine", id: vm.id }), "destroyVirtualMachine");
	});

	it("a failed migration leaves the VM Running on its source and the target's capacity as it was", async () => {
		const vm = await deploy(site, world.alice);
		const target = site.hosts.find((h: Obj) => h.id !== vm.hostid).id;
		const before = await hostAllocated(target);
		site.override = (f) =>
			f.name === "vm.migrate" ? { ok: false, error: { code: "failed", text: "migration broke" } } : undefined;
		const job = await jobResult(
			world.root,
			await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id, hostid: target }),
			"migrateVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errortext).toContain("migration broke");
		const now = await vmOf(world.root, vm.id);
		expect(now.state).toBe("Running");
		expect(now.hostid).toBe(vm.hostid);
		expect(await hostAllocated(target)).toEqual(before);
	});
});

describe("scaleVirtualMachine", () => {
	it("changes a stopped VM's offering (VM.UPGRADE) and refuses a running one", async () => {
		const big = ok(
			await call(world.root, {
				command: "createServiceOffering",
				name: "big-scale",
				displaytext: "big",
				cpunumber: "2",
				cpuspeed: "1500",
				memory: "1024",
			}),
			"createServiceOffering",
		).serviceoffering;
		const running = await deploy(site, world.alice);
		expectParamError(
			await call(world.alice, { command: "scaleVirtualMachine", id: running.id, serviceofferingid: big.id }),
			"scaleVirtualMachine",
			/Stopped/,
		);
		const vm = await deploy(site, world.alice, { startvm: "false" });
		expectParamError(
			await call(world.alice, { command: "scaleVirtualMachine", id: vm.id, serviceofferingid: site.offering.id }),
			"scaleVirtualMachine",
			/already has/,
		);
		const result = await runJob(world.alice, { command: "scaleVirtualMachine", id: vm.id, serviceofferingid: big.id });
		expect(result.virtualmachine).toMatchObject({
			serviceofferingid: big.id,
			cpunumber: 2,
			cpuspeed: 1500,
			memory: 1024,
		});
		expect(await eventsOf(vm.id)).toContain("VM.UPGRADE");
	});
});

describe("updateVirtualMachine", () => {
	it("updates display name, host name, user data and details; refuses HA without an HA offering", async () => {
		const vm = await deploy(site, world.alice, { startvm: "false" });
		const body = ok(
			await call(world.alice, {
				command: "updateVirtualMachine",
				id: vm.id,
				displayname: "Shiny",
				name: "shiny-host",
				userdata: btoa("#cloud-config\n"),
				"details[0].foo": "bar",
			}),
			"updateVirtualMachine",
		);
		expect(body.virtualmachine).toMatchObject({ displayname: "Shiny", name: "shiny-host" });
		const row = await env.DB.prepare("SELECT user_data AS u, details AS d FROM vm_instances WHERE id = ?")
			.bind(vm.id)
			.first<Obj>();
		expect(row.u).toBe(btoa("#cloud-config\n"));
		expect(JSON.parse(row.d)).toMatchObject({ foo: "bar" });
		expect(await eventsOf(vm.id)).toContain("VM.UPDATE");
		expectParamError(
			await call(world.alice, { command: "updateVirtualMachine", id: vm.id, haenable: "true" }),
			"updateVirtualMachine",
			/HA disabled/,
		);
		expectParamError(
			await call(world.alice, { command: "updateVirtualMachine", id: vm.id, name: "-bad" }),
			"updateVirtualMachine",
			/Invalid name/,
		);
		// Other users cannot touch it.
		expectDenied(
			await call(world.carol, { command: "updateVirtualMachine", id: vm.id, displayname: "x" }),
			"updateVirtualMachine",
		);
	});
});

describe("listVirtualMachinesMetrics", () => {
	it("answers listVirtualMachines' VMs with their total CPU and memory, with the same filters", async () => {
		const vm = await deploy(site, world.alice);
		const [metrics] = await listItems(world.alice, "listVirtualMachinesMetrics", "virtualmachine", { id: vm.id });
		expect(metrics).toMatchObject({ id: vm.id, state: "Running", cputotal: "1.0 Ghz", memorytotal: "0.50 GB" });
		const all = ok(await call(world.alice, { command: "listVirtualMachinesMetrics" }), "listVirtualMachinesMetrics");
		const plain = ok(await call(world.alice, { command: "listVirtualMachines" }), "listVirtualMachines");
		expect(all.count).toBe(plain.count);
	});
});
