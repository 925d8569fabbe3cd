/**
 * The relay agent (libvirt driver) against real libvirtd hosts: two namespace "hosts" from
 * test/e2e/lab.sh reached over qemu+tcp, a private `wrangler dev`, and the real agent process.
 * addHost answers the host's real facts; an unreachable libvirtd fails cleanly; a libvirtd that
 * stops answering leaves Up within 15 s (event + alert) and comes back by itself; maintenance;
 * the agent SIGKILLed → hosts Disconnected, restarted → Up; a Worker restart → the agent is back by
 * itself; deleteRelay → the agent exits with code 2.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../clients/server.ts";
import { type AgentProcess, enrolAgent, isReady, runAgent } from "../relay-agent/worker-agent.ts";
import {
	type AdminApi,
	addHost,
	adminApi,
	createSite,
	enrollmentToken,
	type Json,
	type Site,
	waitUntil,
} from "../relay-agent/worker-api.ts";
import { type RestartableDev, startRestartableDev } from "../relay-agent/worker-dev.ts";

const run = promisify(execFile);
const LAB = path.join(REPO_ROOT, "test", "e2e", "lab.sh");
const H1 = "qemu+tcp://10.99.0.11/system";
const H2 = "qemu+tcp://10.99.0.12/system";
/** The bound for a host (or its relay) found gone. */
const GONE_WITHIN_MS = 15_000;

const canRunLab =
	process.getuid?.() === 0 &&
	(await run("ip", ["netns", "list"]).then(
		() => true,
		() => false,
	));

let labDir: string;
let work: string;
let dev: RestartableDev;
let api: AdminApi;
let site: Site;
let configFile: string;
let agent: AgentProcess;
/** The two lab hosts as addHost answered them (filled by the first test). */
const hosts: { h1: Json; h2: Json } = { h1: {}, h2: {} };

function lab(...args: string[]) {
	return run("bash", [LAB, ...args], { env: { ...process.env, W: labDir, LAB_HOSTS: "2" } });
}

async function virsh(uri: string, ...args: string[]): Promise<string> {
	return (await run("virsh", ["-c", uri, ...args])).stdout;
}

async function host(id: string): Promise<Json> {
	const inner = await api.call("listHosts", { id });
	return inner.host[0];
}

async function waitForHostState(id: string, state: string, ms = GONE_WITHIN_MS): Promise<number> {
	const started = Date.now();
	await waitUntil(`host ${id} ${state}`, async () => (await host(id)).state === state, ms, 200);
	return Date.now() - started;
}

async function queryJob(jobid: string): Promise<Json> {
	return waitUntil(`job ${jobid}`, async () => {
		const job = await api.call("queryAsyncJobResult", { jobid });
		return job.jobstatus !== 0 ? job : undefined;
	});
}

function startAgent(): AgentProcess {
	agent = runAgent(configFile);
	return agent;
}

describe.skipIf(!canRunLab)("relay agent on real libvirtd hosts (namespace lab)", () => {
	beforeAll(async () => {
		labDir = await mkdtemp(path.join(tmpdir(), "flarestack-lab-"));
		work = await mkdtemp(path.join(tmpdir(), "flarestack-e2e-"));
		await lab("down").catch(() => undefined);
		await lab("up");
		dev = await startRestartableDev();
		api = await adminApi(dev.apiUrl, dev.adminPassword);
		site = await createSite(api);
		const enrolled = await enrolAgent(
			work,
			dev.origin,
			await enrollmentToken(api, site.zoneId),
			"lab-relay",
			"libvirt",
		);
		expect(enrolled.code, enrolled.output).toBe(0);
		configFile = enrolled.configFile;
		startAgent();
		await agent.waitFor("ready", (line) => isReady(line, "active"), 60_000);
	});

	afterAll(async () => {
		agent?.kill("SIGKILL");
		await dev?.dispose();
		await lab("down").catch(() => undefined);
		await rm(work, { recursive: true, force: true });
		await rm(labDir, { recursive: true, force: true });
	});

	it("addHost reaches the host's libvirtd and answers its real facts", async () => {
		const nodeinfo = await virsh(H1, "nodeinfo");
		const cpus = Number(/CPU\(s\):\s+(\d+)/.exec(nodeinfo)?.[1]);
		const memoryKib = Number(/Memory size:\s+(\d+) KiB/.exec(nodeinfo)?.[1]);
		const version = /Running hypervisor: QEMU (\S+)/.exec(await virsh(H1, "version"))?.[1];
		hosts.h1 = await addHost(api, site, H1);
		expect(hosts.h1).toMatchObject({
			state: "Up",
			resourcestate: "Enabled",
			type: "Routing",
			hypervisor: "KVM",
			name: "lab-h1",
			ipaddress: "10.99.0.11",
			cpunumber: cpus,
			memorytotal: memoryKib * 1024,
			hypervisorversion: version,
		});
		expect(hosts.h1.cpuspeed).toBeGreaterThan(0);
		hosts.h2 = await addHost(api, site, H2);
		expect(hosts.h2).toMatchObject({ state: "Up", name: "lab-h2" });
		expect(JSON.stringify(await api.call("listHosts", { zoneid: site.zoneId }))).not.toContain("unused");
	});

	it("an unreachable libvirtd fails with a clear 530 and leaves nothing behind", async () => {
		const before = (await api.call("listHosts", { zoneid: site.zoneId })).count;
		const answer = await api.raw("addHost", {
			zoneid: site.zoneId,
			podid: site.podId,
			clusterid: site.clusterId,
			url: "qemu+tcp://10.99.0.99/system",
			hypervisor: "KVM",
		});
		const body = JSON.stringify(answer.body);
		expect(answer.status, body).toBe(530);
		expect(body).toMatch(/10\.99\.0\.99/);
		expect((await api.call("listHosts", { zoneid: site.zoneId })).count).toBe(before);
	});

	it("a host whose libvirtd stops answering leaves Up within 15 s, with an event and an alert, and comes back", async () => {
		const stopped = Date.now();
		await lab("stop-host", "2");
		const ms = await waitForHostState(hosts.h2.id, "Down");
		console.log(`host Down ${Date.now() - stopped} ms after its libvirtd stopped`);
		expect(ms).toBeLessThan(GONE_WITHIN_MS);
		const events = (await api.call("listEvents", { type: "HOST.DOWN" })).event ?? [];
		expect(events.some((e: Json) => String(e.description).includes("lab-h2"))).toBe(true);
		const alerts = (await api.call("listAlerts", { type: "7" })).alert ?? [];
		expect(alerts.some((a: Json) => String(a.subject ?? a.description).includes("lab-h2"))).toBe(true);
		expect((await host(hosts.h1.id)).state).toBe("Up");
		await lab("start-host", "2");
		await waitForHostState(hosts.h2.id, "Up");
	});

	it("prepareHostForMaintenance puts the host in Maintenance and cancelHostMaintenance takes it out", async () => {
		const prepared = await queryJob((await api.call("prepareHostForMaintenance", { id: hosts.h1.id })).jobid);
		expect(prepared.jobstatus, JSON.stringify(prepared)).toBe(1);
		expect((await host(hosts.h1.id)).resourcestate).toBe("Maintenance");
		const cancelled = await queryJob((await api.call("cancelHostMaintenance", { id: hosts.h1.id })).jobid);
		expect(cancelled.jobstatus, JSON.stringify(cancelled)).toBe(1);
		expect((await host(hosts.h1.id)).resourcestate).toBe("Enabled");
	});

	it("reconnectHost reads the host again through the relay", async () => {
		const job = await queryJob((await api.call("reconnectHost", { id: hosts.h1.id })).jobid);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		expect(job.jobresult.host).toMatchObject({ id: hosts.h1.id, state: "Up" });
	});

	it("the agent SIGKILLed: its hosts go Disconnected within 15 s with a relay alert; restarted, they are Up", async () => {
		const killed = Date.now();
		agent.kill("SIGKILL");
		await agent.exited;
		await waitForHostState(hosts.h1.id, "Disconnected");
		console.log(`hosts Disconnected ${Date.now() - killed} ms after the agent was killed`);
		expect(Date.now() - killed).toBeLessThan(GONE_WITHIN_MS);
		const alerts = (await api.call("listAlerts", { type: "100" })).alert ?? [];
		expect(alerts.length).toBeGreaterThan(0);
		const events = (await api.call("listEvents", { type: "RELAY.DISCONNECT" })).event ?? [];
		expect(events.length).toBeGreaterThan(0);
		startAgent();
		await waitForHostState(hosts.h1.id, "Up", 30_000);
		await waitForHostState(hosts.h2.id, "Up", 30_000);
	});

	it("a Worker restart: the agent reconnects by itself and the hosts stay known and Up", async () => {
		const from = agent.lines.length;
		await dev.stop();
		const stopped = Date.now();
		await dev.start();
		await agent.waitFor("ready after the restart", (line) => isReady(line, "active"), 30_000, from);
		console.log(`agent active again ${Date.now() - stopped} ms after the Worker stopped`);
		api = await adminApi(dev.apiUrl, dev.adminPassword);
		await waitForHostState(hosts.h1.id, "Up", 30_000);
		expect((await host(hosts.h2.id)).state).toBe("Up");
		// Not just rows left Up from before: a command goes through the new session to the real host.
		const job = await queryJob((await api.call("reconnectHost", { id: hosts.h2.id })).jobid);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		expect(job.jobresult.host).toMatchObject({ id: hosts.h2.id, state: "Up", name: "lab-h2" });
	});

	it("deleteRelay: the running agent exits with code 2 and does not retry", async () => {
		const relays = (await api.call("listRelays", { zoneid: site.zoneId })).relay;
		await api.call("deleteRelay", { id: relays[0].id });
		const exit = await Promise.race([
			agent.exited,
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error("agent still running")), 20_000)),
		]);
		expect(exit.code).toBe(2);
		await waitForHostState(hosts.h1.id, "Disconnected");
	});
});

describe.runIf(!canRunLab)("namespace lab", () => {
	it.skip("needs root and `ip netns` (it runs in CI as root)", () => {});
});
