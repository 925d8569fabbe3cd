/**
 * deployVirtualMachine when the site misbehaves: an agent that never answers vm.start makes the job
 * fail at its deadline (job.timeout) with a readable text and the rollback releases everything; a
 * relay that drops mid-deploy and comes back gets the command again and the job completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectFakeAgent } from "../../helpers/fake-agent";
import { buildWorld, call, jobResult, ok, type World, waitForJob } from "../../helpers/identity-fixtures";
import { buildSite, deployParams, row, rows, type Site, vmAnswer } from "./vm-fixtures";

let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world, 1);
	ok(
		await call(world.root, { command: "updateConfiguration", name: "job.timeout", value: "10" }),
		"updateConfiguration",
	);
});

afterAll(() => site.agent.close());

describe("deployVirtualMachine faults", () => {
	it("an agent that never answers vm.start: the job fails in bounded time and nothing stays held", async () => {
		site.agent.onCommand = (frame, agent) => (frame.name === "vm.start" ? "ignore" : vmAnswer(frame, agent));
		const hostId = site.hostIds[0] as string;
		const before = await row("hosts", hostId);
		const started = Date.now();
		const result = await call(world.alice, deployParams(site));
		const job = await jobResult(world.alice, result, "deployVirtualMachine", 25_000);
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errortext).toMatch(/did not finish within|deadline|answer/i);
		const id = ok(result, "deployVirtualMachine").id;
		// The rollback may run just after the job row is failed.
		const end = Date.now() + 5000;
		while ((await row("vm_instances", id)).removed === null && Date.now() < end) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect((await row("vm_instances", id)).removed).not.toBeNull();
		const after = await row("hosts", hostId);
		expect(after.cpu_allocated).toBe(before.cpu_allocated);
		expect(after.memory_allocated).toBe(before.memory_allocated);
		expect(
			await rows("SELECT * FROM guest_ips WHERE allocated_to IN (SELECT id FROM nics WHERE vm_id = ?)", id),
		).toHaveLength(0);
		expect(await rows("SELECT * FROM volumes WHERE vm_id = ? AND removed IS NULL", id)).toHaveLength(0);
	}, 40_000);

	it("the relay dropping during vm.start: after it reconnects the job completes", async () => {
		const first = site.agent;
		first.onCommand = (frame, agent) => {
			if (frame.name !== "vm.start") return vmAnswer(frame, agent);
			setTimeout(() => agent.close(1001, "relay restarting"), 10);
			return "ignore";
		};
		const since = first.commands.length;
		const answer = ok(await call(world.alice, deployParams(site)), "deployVirtualMachine");
		await first.waitForCommand("vm.start", { since, timeoutMs: 8000 });
		await first.waitForClosed();
		site.agent = await connectFakeAgent({ ...first.identity, hosts: first.hosts, onCommand: vmAnswer });
		const job = await waitForJob(world.alice, answer.jobid, 25_000);
		expect(job.jobstatus, JSON.stringify(job.jobresult)).toBe(1);
		expect(job.jobresult.virtualmachine.state).toBe("Running");
	}, 40_000);
});
