/**
 * findHostsForMigration through the API: a Running VM's cluster's other hosts, each flagged with
 * suitableformigration (Up, Enabled, room under the overcommitted limits) and hasenoughcapacity;
 * the VM's own host and other clusters' hosts are not offered (no storage motion). Bad input
 * answers CloudStack's errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	buildWorld,
	call,
	expectNotAvailable,
	expectParamError,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
import { createCluster } from "../../helpers/inventory-fixtures";
import { insertHost } from "../host/host-fixtures";
import { buildSite, deployParams, type Obj, row, type Site } from "./vm-fixtures";

const GIB = 1024 ** 3;

let world: World;
let site: Site;
let vm: Obj;
const ids = { free: "", fullMemory: "", fullCpu: "", disabled: "", maintenance: "", down: "", otherCluster: "" };

beforeAll(async () => {
	world = await buildWorld();
	// One host first, so the VM (2 × 1000 MHz, 1024 MB) lands on it; the others come after.
	site = await buildSite(world, 1);
	vm = (await runJob(world.root, deployParams(site))).virtualmachine;
	const cluster = site.cluster;
	ids.free = await insertHost(cluster, { name: "mig-free" });
	ids.fullMemory = await insertHost(cluster, { name: "mig-full-memory", memoryAllocated: 16 * GIB });
	ids.fullCpu = await insertHost(cluster, { name: "mig-full-cpu", cpuAllocated: 8 * 2400 - 1000 });
	ids.disabled = await insertHost(cluster, { name: "mig-disabled", resourceState: "Disabled" });
	ids.maintenance = await insertHost(cluster, { name: "mig-maintenance", resourceState: "Maintenance" });
	ids.down = await insertHost(cluster, { name: "mig-down", state: "Down" });
	const other = await createCluster(world, site.pod);
	ids.otherCluster = await insertHost(other, { name: "mig-other-cluster" });
}, 60_000);

afterAll(() => site.agent.close());

async function find(extra: Record<string, string> = {}): Promise<Obj> {
	return ok(
		await call(world.root, { command: "findHostsForMigration", virtualmachineid: vm.id, ...extra }),
		"findHostsForMigration",
	);
}

describe("findHostsForMigration", () => {
	it("lists the cluster's other hosts and flags the ones a live migration can go to", async () => {
		const body = await find();
		const byName = new Map<string, Obj>(body.host.map((h: Obj) => [h.name, h]));
		expect(body.count).toBe(6);
		expect([...byName.keys()].sort()).toEqual(
			["mig-disabled", "mig-down", "mig-free", "mig-full-cpu", "mig-full-memory", "mig-maintenance"].sort(),
		);
		const flags = (name: string) => {
			const h = byName.get(name);
			return [h.suitableformigration, h.hasenoughcapacity, h.requiresStorageMotion];
		};
		expect(flags("mig-free")).toEqual([true, true, false]);
		expect(flags("mig-full-memory")).toEqual([false, false, false]);
		expect(flags("mig-full-cpu")).toEqual([false, false, false]);
		expect(flags("mig-disabled")).toEqual([false, true, false]);
		expect(flags("mig-maintenance")).toEqual([false, true, false]);
		expect(flags("mig-down")).toEqual([false, true, false]);
		// The listHosts fields come along, so a client can show what is free.
		expect(byName.get("mig-full-memory")).toMatchObject({
			id: ids.fullMemory,
			clusterid: site.cluster.id,
			resourcestate: "Enabled",
			state: "Up",
			memorytotal: 16 * GIB,
			memoryallocated: 16 * GIB,
			cpunumber: 8,
			cpuspeed: 2400,
			cpuallocatedvalue: 0,
			cpuallocated: "0%",
			memoryallocatedpercentage: "100%",
		});
		expect(byName.get("mig-maintenance").resourcestate).toBe("Maintenance");
	});

	it("never offers the VM's own host or a host of another cluster", async () => {
		const { host_id: current } = await row("vm_instances", vm.id);
		expect(current).toBe(site.hostIds[0]);
		const listed = (await find()).host.map((h: Obj) => h.id);
		expect(listed).not.toContain(current);
		expect(listed).not.toContain(ids.otherCluster);
	});

	it("follows the overcommit factor: a host full at 1× takes the VM at 2×", async () => {
		ok(
			await call(world.root, { command: "updateConfiguration", name: "mem.overprovisioning.factor", value: "2" }),
			"updateConfiguration",
		);
		try {
			const full = (await find({ keyword: "full-memory" })).host;
			expect(full.map((h: Obj) => [h.name, h.suitableformigration])).toEqual([["mig-full-memory", true]]);
		} finally {
			ok(
				await call(world.root, { command: "updateConfiguration", name: "mem.overprovisioning.factor", value: "1" }),
				"updateConfiguration",
			);
		}
	});

	it("filters by keyword and pages", async () => {
		const body = await find({ keyword: "MIG-FULL" });
		expect(body.count).toBe(2);
		expect(body.host.map((h: Obj) => h.name).sort()).toEqual(["mig-full-cpu", "mig-full-memory"]);
		const page = await find({ page: "2", pagesize: "4" });
		expect(page.count).toBe(6);
		expect(page.host).toHaveLength(2);
		expect(await find({ keyword: "nothing-like-this" })).toEqual({});
	});

	it("agrees with migrateVirtualMachine: an unsuitable host is refused there too", async () => {
		expectParamError(
			await call(world.root, { command: "migrateVirtualMachine", virtualmachineid: vm.id, hostid: ids.disabled }),
			"migrateVirtualMachine",
			/Disabled/,
		);
	});

	it("answers 431 for a VM that does not exist or is not Running", async () => {
		const missing = crypto.randomUUID();
		expectParamError(
			await call(world.root, { command: "findHostsForMigration", virtualmachineid: missing }),
			"findHostsForMigration",
			new RegExp(missing),
		);
		const stopped = (await runJob(world.root, deployParams(site, { startvm: "false" }))).virtualmachine;
		expectParamError(
			await call(world.root, { command: "findHostsForMigration", virtualmachineid: stopped.id }),
			"findHostsForMigration",
			/^VM is not Running, unable to migrate the vm with specified id .*Stopped/,
		);
		expectParamError(
			await call(world.root, { command: "findHostsForMigration" }),
			"findHostsForMigration",
			/virtualmachineid/,
		);
	});

	it("is for root admins only: users get 432", async () => {
		expectNotAvailable(
			await call(world.alice, { command: "findHostsForMigration", virtualmachineid: vm.id }),
			"findHostsForMigration",
			world.alice,
		);
	});
});
