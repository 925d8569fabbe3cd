/**
 * startVirtualMachine and stopVirtualMachine through the API with the fake agent: stop releases
 * the host's capacity (graceful: the grace period; forced: at once, and Stopped even when the host
 * cannot be reached), start takes it again on a host that has room and is not in maintenance;
 * jobs on one VM run in order; states that do not allow the action are refused with a clear text.
 */
import type { CommandFrame } from "@flarestack/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	buildWorld,
	call,
	jobResult,
	listItems,
	ok,
	runJob,
	type World,
	waitForJob,
} from "../../helpers/identity-fixtures";
import { expectError } from "../host/host-fixtures";
import { buildSite, commandsFor, deployParams, type Obj, row, type Site, vmAnswer } from "./vm-fixtures";

let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world, 2);
});

afterAll(() => site.agent.close());

beforeEach(() => {
	site.agent.onCommand = vmAnswer;
});

async function deployed(): Promise<Obj> {
	return (await runJob(world.alice, deployParams(site))).virtualmachine;
}

async function hostOf(vmId: string): Promise<string> {
	return (await row("vm_instances", vmId)).host_id;
}

describe("stopVirtualMachine", () => {
	it("stops gracefully with the grace period, releases capacity and writes VM.STOP", async () => {
		const vm = await deployed();
		const hostId = await hostOf(vm.id);
		const before = await row("hosts", hostId);
		const since = site.agent.commands.length;
		const stopped = (await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id })).virtualmachine;
		expect(stopped.state).toBe("Stopped");
		const [stop] = commandsFor(site.agent, "vm.stop", hostId, since);
		expect(stop?.args).toMatchObject({ hostId, graceMs: 30_000 });
		const after = await row("hosts", hostId);
		expect(before.cpu_allocated - after.cpu_allocated).toBe(2000);
		expect(before.memory_allocated - after.memory_allocated).toBe(1024 ** 3);
		const dbRow = await row("vm_instances", vm.id);
		expect(dbRow).toMatchObject({ state: "Stopped", host_id: null, last_host_id: hostId, job_id: null });
		const events = await listItems(world.root, "listEvents", "event", {
			listall: "true",
			resourceid: vm.id,
			type: "VM.STOP",
		});
		expect(events).toHaveLength(1);
	});

	it("forced stops at once (graceMs 0)", async () => {
		const vm = await deployed();
		const since = site.agent.commands.length;
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id, forced: "true" });
		const stop = site.agent.commands.slice(since).find((c) => c.name === "vm.stop") as Extract<
			CommandFrame,
			{ name: "vm.stop" }
		>;
		expect(stop.args.graceMs).toBe(0);
	});

	it("forced marks it Stopped even when the host cannot be reached (WARN event); graceful keeps it Running", async () => {
		const vm = await deployed();
		site.agent.onCommand = (frame, agent) =>
			frame.name === "vm.stop"
				? { ok: false, error: { code: "unreachable", text: "host libvirtd does not answer" } }
				: vmAnswer(frame, agent);
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "stopVirtualMachine", id: vm.id }),
			"stopVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(534);
		expect(job.jobresult.errortext).toMatch(/host libvirtd does not answer/);
		expect((await row("vm_instances", vm.id)).state).toBe("Running");
		const forced = (await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id, forced: "true" }))
			.virtualmachine;
		expect(forced.state).toBe("Stopped");
		const [event] = await listItems(world.root, "listEvents", "event", {
			listall: "true",
			resourceid: vm.id,
			type: "VM.STOP",
		});
		expect(event.level).toBe("WARN");
	});

	it("a Stopped instance stops again without error; another account's instance is 531", async () => {
		const vm = await deployed();
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		const again = (await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id })).virtualmachine;
		expect(again.state).toBe("Stopped");
		expectError(await call(world.carol, { command: "stopVirtualMachine", id: vm.id }), "stopVirtualMachine", 531);
		expectError(
			await call(world.alice, { command: "stopVirtualMachine", id: crypto.randomUUID() }),
			"stopVirtualMachine",
			431,
		);
	});
});

describe("listCapacity follows", () => {
	const used = async (type: number) =>
		(await listItems(world.root, "listCapacity", "capacity", { zoneid: site.zone.id, type: String(type) }))[0]
			?.capacityused ?? 0;

	it("CPU (1), memory (0) and allocated storage (3) go up on deploy and CPU/memory down on stop", async () => {
		const [cpu, memory, storage] = [await used(1), await used(0), await used(3)];
		const vm = await deployed();
		expect((await used(1)) - cpu).toBe(2000);
		expect((await used(0)) - memory).toBe(1024 ** 3);
		expect(await used(3)).toBeGreaterThan(storage);
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		expect(await used(1)).toBe(cpu);
		expect(await used(0)).toBe(memory);
	});
});

describe("startVirtualMachine", () => {
	it("starts a Stopped instance again, on a host with room, with VM.START", async () => {
		const vm = await deployed();
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		const since = site.agent.commands.length;
		const started = (await runJob(world.alice, { command: "startVirtualMachine", id: vm.id })).virtualmachine;
		expect(started.state).toBe("Running");
		expect(commandsFor(site.agent, "vm.start", vm.id, since)).toHaveLength(1);
		// The volumes exist already: nothing is cloned again.
		expect(site.agent.commands.slice(since).filter((c) => c.name === "volume.clone")).toHaveLength(0);
		const hostId = await hostOf(vm.id);
		expect(site.hostIds).toContain(hostId);
	});

	it("a host in maintenance gets no instance: start with hostid fails 533, without it picks the other host", async () => {
		const vm = await deployed();
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		const [a, b] = site.hostIds as [string, string];
		const { env } = await import("cloudflare:workers");
		await env.DB.prepare("UPDATE hosts SET resource_state = 'Maintenance' WHERE id = ?").bind(a).run();
		try {
			const job = await jobResult(
				world.root,
				await call(world.root, { command: "startVirtualMachine", id: vm.id, hostid: a }),
				"startVirtualMachine",
			);
			expect(job.jobstatus).toBe(2);
			expect(job.jobresult.errorcode).toBe(533);
			expect((await row("vm_instances", vm.id)).state).toBe("Stopped");
			await runJob(world.alice, { command: "startVirtualMachine", id: vm.id });
			expect(await hostOf(vm.id)).toBe(b);
		} finally {
			await env.DB.prepare("UPDATE hosts SET resource_state = 'Enabled' WHERE id = ?").bind(a).run();
		}
	});

	it("the agent failing vm.start leaves it Stopped with the capacity given back", async () => {
		const vm = await deployed();
		await runJob(world.alice, { command: "stopVirtualMachine", id: vm.id });
		const sums = async () =>
			(await import("cloudflare:workers")).env.DB.prepare(
				"SELECT sum(cpu_allocated) AS cpu FROM hosts WHERE cluster_id = ?",
			)
				.bind(site.cluster.id)
				.first<{ cpu: number }>();
		const before = await sums();
		site.agent.onCommand = (frame, agent) =>
			frame.name === "vm.start"
				? { ok: false, error: { code: "failed", text: "no such bridge cloudbr0" } }
				: vmAnswer(frame, agent);
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "startVirtualMachine", id: vm.id }),
			"startVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errortext).toMatch(/no such bridge cloudbr0/);
		expect(await row("vm_instances", vm.id)).toMatchObject({ state: "Stopped", host_id: null, job_id: null });
		expect(await sums()).toEqual(before);
	});

	it("jobs on one instance run in order: stop then start, both started at once, end Running", async () => {
		const vm = await deployed();
		const stop = ok(await call(world.alice, { command: "stopVirtualMachine", id: vm.id }), "stopVirtualMachine");
		const start = ok(await call(world.alice, { command: "startVirtualMachine", id: vm.id }), "startVirtualMachine");
		const [stopped, started] = [await waitForJob(world.alice, stop.jobid), await waitForJob(world.alice, start.jobid)];
		expect(stopped.jobstatus).toBe(1);
		expect(started.jobstatus).toBe(1);
		expect(stopped.jobresult.virtualmachine.state).toBe("Stopped");
		expect(started.jobresult.virtualmachine.state).toBe("Running");
		expect((await row("vm_instances", vm.id)).state).toBe("Running");
	});

	it("refuses an instance in a state that cannot start, with its state in the text", async () => {
		const vm = await deployed();
		const { env } = await import("cloudflare:workers");
		await env.DB.prepare("UPDATE vm_instances SET state = 'Destroyed' WHERE id = ?").bind(vm.id).run();
		expectError(
			await call(world.alice, { command: "startVirtualMachine", id: vm.id }),
			"startVirtualMachine",
			431,
			/Destroyed/,
		);
	});

	it("a queued start checks the state when it runs: an instance destroyed meanwhile fails 431 naming it", async () => {
		const vm = await deployed();
		const { env } = await import("cloudflare:workers");
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		site.agent.onCommand = async (frame, agent) => {
			if (frame.name === "vm.stop") await held;
			return vmAnswer(frame, agent);
		};
		const since = site.agent.commands.length;
		const stop = ok(await call(world.alice, { command: "stopVirtualMachine", id: vm.id }), "stopVirtualMachine");
		await site.agent.waitForCommand("vm.stop", { since });
		// Accepted in the request (Stopping may be started after), queued behind the stop.
		const start = ok(await call(world.alice, { command: "startVirtualMachine", id: vm.id }), "startVirtualMachine");
		// What a destroy that got there first leaves.
		await env.DB.prepare("UPDATE vm_instances SET state = 'Destroyed', job_id = NULL WHERE id = ?").bind(vm.id).run();
		release();
		expect((await waitForJob(world.alice, stop.jobid)).jobstatus).toBe(2);
		const job = await waitForJob(world.alice, start.jobid);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(431);
		expect(job.jobresult.errortext).toMatch(/is Destroyed/);
	});
});
