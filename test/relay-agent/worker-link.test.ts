/**
 * The real relay agent process (`relay-agent/bin/flarestack-relay.js`, simulator driver, sim://
 * hosts) against a private `wrangler dev` over a real WebSocket: enrolment and refused credentials
 * (used and expired tokens, a tampered key, a revoked relay), addHost through the agent, a host
 * going Down and Up, reconnect after a Worker restart and after the agent is SIGKILLed, a half-open
 * link found by the DO's heartbeat check, a command resent after the link drops mid-command without
 * running twice, a hot standby taking over, 200 hosts reconciled from one hello, and `run --local`
 * (npm start's self-enrolment). Agents reach the Worker through a TCP proxy in this process, so a
 * test can cut or freeze the link without stopping either side.
 *
 * wrangler dev reloads the Worker whenever a file under worker/ changes (it cannot be told not
 * to): editing the Worker while this runs drops the agent's socket and can fail a test.
 *
 * The tests run in order and share one Worker and zone: each builds on the state the one before
 * left (that is the point: the same agent survives restarts and cuts).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWrangler } from "../clients/server.ts";
import { type AgentProcess, enrolAgent, isReady, type LogLine, runAgent, spawnAgent } from "./worker-agent.ts";
import {
	type AdminApi,
	addHost,
	adminApi,
	createSite,
	enrollmentToken,
	type Json,
	type Site,
	waitUntil,
	zoneHosts,
} from "./worker-api.ts";
import { type RestartableDev, startRestartableDev } from "./worker-dev.ts";
import { type CutProxy, startCutProxy } from "./worker-proxy.ts";

const GIB = 1024 ** 3;
/** The Worker's LOCAL_RELAY_SECRET here, as `npm start` writes one into .dev.vars. */
const LOCAL_SECRET = randomBytes(24).toString("base64url");

let dev: RestartableDev;
let proxy: CutProxy;
let api: AdminApi;
let site: Site;
let tmp: string;
const agents: AgentProcess[] = [];

/** The first agent's config (enrolled in the first test) and the hot standby's. */
let configA = "";
let configB = "";
let agentA: AgentProcess | undefined;
let agentB: AgentProcess | undefined;

beforeAll(async () => {
	dev = await startRestartableDev({ vars: { LOCAL_RELAY_SECRET: LOCAL_SECRET } });
	proxy = await startCutProxy(dev.port);
	api = await adminApi(dev.apiUrl, dev.adminPassword);
	site = await createSite(api);
	tmp = await mkdtemp(path.join(tmpdir(), "flarestack-relay-agents-"));
}, 180_000);

afterAll(async () => {
	for (const agent of agents) agent.kill("SIGKILL");
	await Promise.all(agents.map((a) => a.exited));
	await proxy?.close();
	await dev?.dispose();
	if (tmp) await rm(tmp, { recursive: true, force: true });
}, 60_000);

function run(configFile: string): AgentProcess {
	const agent = runAgent(configFile);
	agents.push(agent);
	return agent;
}

async function dir(name: string): Promise<string> {
	return mkdtemp(path.join(tmp, `${name}-`));
}

async function hostByName(name: string): Promise<Json | undefined> {
	return (await zoneHosts(api, site.zoneId)).find((h) => h.name === name || String(h.url ?? "").includes(`//${name}`));
}

async function hostStates(): Promise<Map<string, string>> {
	return new Map((await zoneHosts(api, site.zoneId)).map((h) => [h.id as string, h.state as string]));
}

/** The dispatcher's `command start` lines: one per time a command really ran (repeats log otherwise). */
function starts(agent: AgentProcess, name?: string, id?: string): LogLine[] {
	return agent.lines.filter(
		(l) => l.msg === "command start" && (name === undefined || l.name === name) && (id === undefined || l.id === id),
	);
}

describe("relay agent against wrangler dev", () => {
	it("enrols with a one-time token; the same token again fails with a clear message and a non-zero exit", async () => {
		const token = await enrollmentToken(api, site.zoneId);
		const first = await enrolAgent(await dir("a"), proxy.origin, token, "site-a");
		expect(first.code, first.output).toBe(0);
		configA = first.configFile;
		const config = JSON.parse(await readFile(configA, "utf8"));
		expect(config).toMatchObject({ zoneId: site.zoneId, url: proxy.origin });
		expect(config.relayId).toMatch(/^[0-9a-f-]{36}$/);
		// Neither the token nor a private key lands in the config file or the output.
		expect(JSON.stringify(config)).not.toContain(token);
		expect(first.output).not.toContain(token);
		const relays = (await api.call("listRelays", { zoneid: site.zoneId })).relay as Json[];
		expect(relays.map((r) => r.id)).toContain(config.relayId);

		const again = await enrolAgent(await dir("a-again"), proxy.origin, token, "site-a-again");
		expect(again.code).not.toBe(0);
		expect(again.code).not.toBeNull();
		expect(again.output).toMatch(/invalid, expired or already used/i);
	}, 120_000);

	it("refuses an expired token", async () => {
		const token = await enrollmentToken(api, site.zoneId, 1);
		// Age every unused token of the zone past its expiry, as an hour passing would.
		await runWrangler(
			[
				"d1",
				"execute",
				"DB",
				"--local",
				"--persist-to",
				dev.persistTo,
				"--command",
				`UPDATE relay_enrollment_tokens SET expires = 1 WHERE zone_id = '${site.zoneId}' AND used_at IS NULL`,
			],
			{},
		);
		const result = await enrolAgent(await dir("expired"), proxy.origin, token, "site-expired");
		expect(result.code).not.toBe(0);
		expect(result.output).toMatch(/invalid, expired or already used/i);
	}, 120_000);

	it("refuses a tampered key: the agent is never ready and logs the refusal", async () => {
		const config = JSON.parse(await readFile(configA, "utf8"));
		const keyFile = path.resolve(path.dirname(configA), config.keyFile);
		const original = await readFile(keyFile, "utf8");
		// Another Ed25519 key in the same format as the enrolled one: the JWT no longer verifies.
		const { privateKey, publicKey } = generateKeyPairSync("ed25519");
		let tampered: string;
		if (original.trimStart().startsWith("{")) {
			const jwk = JSON.parse(original);
			const fresh = privateKey.export({ format: "jwk" });
			const keys = { ...jwk, d: fresh.d, x: publicKey.export({ format: "jwk" }).x };
			tampered = JSON.stringify(keys);
		} else {
			tampered = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
		}
		const bad = await dir("tampered");
		const badKey = path.join(bad, "key");
		await writeFile(badKey, tampered, { mode: 0o600 });
		const badConfig = path.join(bad, "flarestack-relay.json");
		await writeFile(
			badConfig,
			JSON.stringify({ ...config, keyFile: badKey, stateFile: path.join(bad, "state.json") }, null, "\t"),
		);
		const agent = run(badConfig);
		const refusal = await agent.waitFor("a refused connection", (l) => /refused/i.test(`${l.msg}`), 20_000);
		expect(refusal).toMatchObject({ status: 401, reason: "invalid" });
		expect(agent.lines.some((l) => isReady(l))).toBe(false);
		// A bad signature is not fatal (it might be a clock problem): the agent keeps retrying.
		expect(agent.alive()).toBe(true);
		agent.kill("SIGKILL");
		await agent.exited;
	}, 60_000);

	it("connects as the active agent; addHost sim://h1 answers the simulated host, Up", async () => {
		agentA = run(configA);
		await agentA.waitFor("ready as active", (l) => isReady(l, "active"), 20_000);
		const host = await addHost(api, site, "sim://h1?cpus=8&mhz=2400&memory=16G&latency=5");
		expect(host).toMatchObject({
			state: "Up",
			cpunumber: 8,
			cpuspeed: 2400,
			memorytotal: 16 * GIB,
			zoneid: site.zoneId,
			podid: site.podId,
			clusterid: site.clusterId,
			hypervisor: "KVM",
		});
		expect(String(host.hypervisorversion ?? "")).not.toBe("");
		const listed = await hostByName("h1");
		expect(listed?.state).toBe("Up");
	}, 60_000);

	it("a simulated host whose libvirtd stops answering goes Down within 15 s and comes back Up", async () => {
		const control = path.join(await dir("control"), "flaky.json");
		await writeFile(control, "{}");
		const host = await addHost(api, site, `sim://flaky?cpus=2&mhz=1800&memory=2G&control=${control}`);
		expect(host.state).toBe("Up");
		await writeFile(control, JSON.stringify({ down: true, text: "simulated libvirtd stop" }));
		const stopped = Date.now();
		const down = await waitUntil(
			"flaky to leave Up",
			async () => {
				const h = await hostByName("flaky");
				return h && h.state !== "Up" ? h : undefined;
			},
			20_000,
		);
		expect(down.state).toBe("Down");
		expect(Date.now() - stopped).toBeLessThanOrEqual(15_000);
		await writeFile(control, "{}");
		await waitUntil("flaky Up again", async () => (await hostByName("flaky"))?.state === "Up", 20_000);
	}, 60_000);

	it("comes back by itself after the Worker restarts (same state), reconciled", async () => {
		const agent = agentA as AgentProcess;
		const before = agent.lines.length;
		await dev.stop();
		await dev.start();
		const up = Date.now();
		await agent.waitFor("ready after the restart", (l) => isReady(l, "active"), 30_000, before);
		const back = Date.now() - up;
		const h1 = await waitUntil("h1 Up after the restart", async () => {
			const h = await hostByName("h1");
			return h?.state === "Up" ? h : undefined;
		});
		expect(h1.cpunumber).toBe(8);
		console.info(`relay: agent ready ${back} ms after wrangler dev answered /health again`);
		// The cap of the backoff is 10 s; a Worker that is back should see its agent well within that.
		expect(back).toBeLessThan(12_000);
	}, 120_000);

	it("agent SIGKILL: its hosts leave Up within 15 s; a restarted agent brings them back", async () => {
		const agent = agentA as AgentProcess;
		const killed = Date.now();
		agent.kill("SIGKILL");
		await agent.exited;
		const gone = await waitUntil(
			"h1 to leave Up",
			async () => {
				const h = await hostByName("h1");
				return h && h.state !== "Up" ? h : undefined;
			},
			20_000,
			100,
		);
		const leftUp = Date.now() - killed;
		console.info(`relay: h1 left Up (${gone.state}) ${leftUp} ms after SIGKILL`);
		expect(gone.state).toBe("Disconnected");
		expect(leftUp).toBeLessThanOrEqual(15_000);

		const events = (await api.call("listEvents", { type: "RELAY.DISCONNECT", pagesize: "50", page: "1" })).event ?? [];
		expect(events.length).toBeGreaterThan(0);

		agentA = run(configA);
		const restarted = Date.now();
		await agentA.waitFor("ready again", (l) => isReady(l, "active"), 20_000);
		await waitUntil("h1 Up again", async () => (await hostByName("h1"))?.state === "Up", 20_000);
		console.info(`relay: h1 Up ${Date.now() - restarted} ms after the agent was started again`);
	}, 90_000);

	it("a half-open link (no close, no traffic): the DO's heartbeat check takes the hosts out of Up within 15 s", async () => {
		const agent = agentA as AgentProcess;
		const from = agent.lines.length;
		// Nothing passes any more, and the agent's reconnects are refused until the link heals.
		proxy.hold(true);
		const frozen = Date.now();
		expect(proxy.freeze()).toBeGreaterThan(0);
		const gone = await waitUntil(
			"h1 to leave Up",
			async () => {
				const h = await hostByName("h1");
				return h && h.state !== "Up" ? h : undefined;
			},
			30_000,
			100,
		);
		const leftUp = Date.now() - frozen;
		console.info(`relay: half-open link: h1 left Up (${gone.state}) ${leftUp} ms after the link froze`);
		proxy.cut();
		proxy.hold(false);
		expect(gone.state).toBe("Disconnected");
		expect(leftUp).toBeLessThanOrEqual(15_000);
		// The agent noticed the silence itself and comes back once the link heals.
		await agent.waitFor("ready after the link healed", (l) => isReady(l, "active"), 30_000, from);
		await waitUntil("h1 Up again", async () => (await hostByName("h1"))?.state === "Up", 20_000);
	}, 90_000);

	it("a command whose link drops mid-command is resent with its id and runs once", async () => {
		const agent = agentA as AgentProcess;
		const from = agent.lines.length;
		// 3 s of simulated libvirt latency: the link is cut while the agent is inside host.connect.
		const adding = addHost(api, site, "sim://slow1?cpus=2&mhz=2000&memory=4G&latency=3000");
		const started = await agent.waitFor(
			"host.connect started",
			(l) => l.msg === "command start" && l.name === "host.connect" && String(l.args?.uri).includes("slow1"),
			15_000,
			from,
		);
		const id = started.id as string;
		const cut = proxy.cut();
		expect(cut).toBeGreaterThan(0);
		const host = await adding;
		expect(host).toMatchObject({ state: "Up", cpunumber: 2, cpuspeed: 2000, memorytotal: 4 * GIB });
		// The link came back (a new ready) and the command was not run a second time.
		expect(agent.lines.slice(from).some((l) => isReady(l, "active"))).toBe(true);
		const about = agent.lines.filter((l) => l.id === id);
		expect(starts(agent, "host.connect", id).length, JSON.stringify(about)).toBe(1);
		console.info(`relay: cut mid-command; the agent logged for ${id}: ${about.map((l) => l.msg).join(" | ")}`);
	}, 90_000);

	it("a second enrolled agent waits as a hot standby and takes over when the first is killed", async () => {
		const token = await enrollmentToken(api, site.zoneId);
		const enrolled = await enrolAgent(await dir("b"), proxy.origin, token, "site-b");
		expect(enrolled.code, enrolled.output).toBe(0);
		configB = enrolled.configFile;
		agentB = run(configB);
		await agentB.waitFor("ready as standby", (l) => isReady(l, "standby"), 20_000);
		const a = agentA as AgentProcess;
		const killed = Date.now();
		a.kill("SIGKILL");
		await a.exited;
		await agentB.waitFor("promoted to active", (l) => isReady(l, "active"), 20_000);
		const promoted = Date.now() - killed;
		// The standby has never seen these hosts: the DO's reconcile sends it host.connect for each.
		await waitUntil(
			"every host Up under the standby",
			async () => [...(await hostStates()).values()].every((s) => s === "Up"),
			30_000,
		);
		console.info(`relay: standby active ${promoted} ms after the active agent was killed`);
	}, 90_000);

	it("200 simulated hosts are all Up from the hello after the agent restarts", async () => {
		const agent = agentB as AgentProcess;
		const names = Array.from({ length: 200 }, (_, i) => `many${i}`);
		let next = 0;
		const worker = async () => {
			while (next < names.length) {
				const name = names[next++];
				const host = await addHost(api, site, `sim://${name}?cpus=4&mhz=2200&memory=8G&latency=1`);
				expect(host.state).toBe("Up");
			}
		};
		await Promise.all(Array.from({ length: 8 }, worker));
		const total = (await zoneHosts(api, site.zoneId)).length;
		expect(total).toBeGreaterThanOrEqual(202);

		agent.kill("SIGKILL");
		await agent.exited;
		await waitUntil(
			"every host to leave Up",
			async () => [...(await hostStates()).values()].every((s) => s !== "Up"),
			20_000,
			200,
		);
		agentB = run(configB);
		const started = Date.now();
		await waitUntil(
			"all hosts Up again",
			async () => {
				const states = [...(await hostStates()).values()];
				return states.length === total && states.every((s) => s === "Up");
			},
			60_000,
			200,
		);
		console.info(`relay: ${total} hosts Up ${Date.now() - started} ms after the agent was started again`);
		// The hello listed them all: the DO had no host.connect to send for any.
		expect(starts(agentB, "host.connect").length).toBeLessThan(total);
	}, 180_000);

	it("deleteRelay: the running agent exits with code 2 and so does a restart", async () => {
		const agent = agentB as AgentProcess;
		const relayId = JSON.parse(await readFile(configB, "utf8")).relayId;
		await api.call("deleteRelay", { id: relayId });
		const exit = await Promise.race([
			agent.exited,
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error("agent did not exit")), 15_000)),
		]);
		expect(exit.code).toBe(2);
		expect(agent.output()).toMatch(/revoked/i);

		const again = run(configB);
		const second = await Promise.race([
			again.exited,
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error("revoked agent kept running")), 20_000)),
		]);
		expect(second.code).toBe(2);
		expect(again.output()).toMatch(/revoked/i);
	}, 60_000);

	it("run --local enrols itself into the zone without a relay (npm start's path); a wrong secret is refused", async () => {
		const wrong = await dir("local-wrong");
		const refused = spawnAgent(
			["run", "--local", "--url", proxy.origin, "--config", path.join(wrong, "flarestack-relay.json")],
			{ FLARESTACK_LOCAL_RELAY_SECRET: "not-the-secret" },
		);
		agents.push(refused);
		const exit = await refused.exited;
		expect(exit.code).toBe(1);
		expect(refused.output()).toMatch(/local enrolment failed/);

		const second = await createSite(api);
		const local = await dir("local");
		const configFile = path.join(local, "flarestack-relay.json");
		const agent = spawnAgent(
			["run", "--local", "--url", proxy.origin, "--driver", "simulator", "--config", configFile],
			{ FLARESTACK_LOCAL_RELAY_SECRET: LOCAL_SECRET },
		);
		agents.push(agent);
		await agent.waitFor("ready as active", (l) => isReady(l, "active"), 30_000);
		const config = JSON.parse(await readFile(configFile, "utf8"));
		expect(config.zoneId).toBe(second.zoneId);
		const host = await addHost(api, second, "sim://local1?cpus=4&mhz=3000&memory=8G");
		expect(host).toMatchObject({ state: "Up", cpunumber: 4 });
		agent.kill("SIGTERM");
		expect((await agent.exited).code).toBe(0);
	}, 90_000);

	it("status prints the identity without any key", async () => {
		const status = spawnAgent(["status", "--config", configA]);
		await status.exited;
		const text = status.output();
		const relayId = JSON.parse(await readFile(configA, "utf8")).relayId;
		expect(text).toContain(relayId);
		expect(text).not.toMatch(/"d"\s*:|PRIVATE KEY/);
	}, 30_000);
});
