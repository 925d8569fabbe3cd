/**
 * prepareHostForMaintenance with instances on the host: they are live-migrated to the other host
 * of the cluster and the host reaches Maintenance; with no room elsewhere the job fails with 533
 * and the host is left in ErrorInMaintenance (cancelHostMaintenance brings it back); an empty host
 * still reaches Maintenance at once. deleteHost refuses a host with instances.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, call, jobResult, ok, type World } from "../../helpers/identity-fixtures";
import { buildSite, deploy, type Site, vmOf } from "./site";

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

async function hostState(id: string): Promise<string> {
	return ok(await call(world.root, { command: "listHosts", id }), "listHosts").host[0].resourcestate;
}

async function cancel(id: string) {
	ok(await call(world.root, { command: "cancelHostMaintenance", id }), "cancelHostMaintenance");
}

describe("prepareHostForMaintenance with instances", () => {
	it("migrates the host's instances away, then the host is in Maintenance", async () => {
		const vm = await vmOf(world.root, (await deploy(site, world.alice)).id);
		const source = vm.hostid;
		const other = site.hosts.find((h: Obj) => h.id !== source).id;
		try {
			const job = await jobResult(
				world.root,
				await call(world.root, { command: "prepareHostForMaintenance", id: source }),
				"prepareHostForMaintenance",
				30_000,
			);
			expect(job.jobstatus, JSON.stringify(job)).toBe(1);
			expect(job.jobresult.host).toMatchObject({ id: source, resourcestate: "Maintenance" });
			expect(await vmOf(world.root, vm.id)).toMatchObject({ state: "Running", hostid: other });
			expect(site.agent.commands.some((f) => f.name === "vm.migrate" && f.args.targetHostId === other)).toBe(true);
		} finally {
			await cancel(source);
		}
		expect(await hostState(source)).toBe("Enabled");
	});

	it("fails with 533 and ErrorInMaintenance when no other host has room", async () => {
		const vm = await vmOf(world.root, (await deploy(site, world.alice)).id);
		const other = site.hosts.find((h: Obj) => h.id !== vm.hostid).id;
		ok(await call(world.root, { command: "updateHost", id: other, allocationstate: "Disable" }), "updateHost");
		try {
			const job = await jobResult(
				world.root,
				await call(world.root, { command: "prepareHostForMaintenance", id: vm.hostid }),
				"prepareHostForMaintenance",
				30_000,
			);
			expect(job.jobstatus).toBe(2);
			expect(job.jobresult.errorcode).toBe(533);
			expect(job.jobresult.errortext).toMatch(/No other host of the cluster can take/);
			expect(await hostState(vm.hostid)).toBe("ErrorInMaintenance");
			expect(await vmOf(world.root, vm.id)).toMatchObject({ state: "Running", hostid: vm.hostid });
			await cancel(vm.hostid);
			expect(await hostState(vm.hostid)).toBe("Enabled");
		} finally {
			ok(await call(world.root, { command: "updateHost", id: other, allocationstate: "Enable" }), "updateHost");
		}
	});

	it("refuses to delete a host that still has instances", async () => {
		const vm = await vmOf(world.root, (await deploy(site, world.alice)).id);
		const result = await call(world.root, { command: "deleteHost", id: vm.hostid, forced: "true" });
		expect(result.status).toBe(536);
		expect(result.body.deletehostresponse.errortext).toMatch(/still has instances/);
	});
});
