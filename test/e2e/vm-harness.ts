/**
 * @module What the instance e2e tests and the deploy benchmark run against: a private, restartable
 * `wrangler dev`, the admin's API keys (shared by `python3 -m cs` and the signed fetch client, as
 * asking for keys again replaces the pair), the seed's zone built through `cs`, and the real relay
 * agent process enrolled into it (simulator or libvirt driver). Erasable TypeScript only.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { adminKeys, type Keys, login, signedCall, unwrap } from "../clients/api.ts";
import { type AgentProcess, enrolAgent, isReady, runAgent } from "../relay-agent/worker-agent.ts";
import type { AdminApi } from "../relay-agent/worker-api.ts";
import { type RestartableDev, startRestartableDev } from "../relay-agent/worker-dev.ts";
import { buildCloud, type Cloud, type CsClient, csClient } from "./vm-cloud.ts";

export interface Harness {
	dev: RestartableDev;
	keys: Keys;
	/** `python3 -m cs` with the admin's keys. */
	cs: CsClient;
	/** The same keys through a signed fetch (for bulk calls: a Python start costs ~0.3 s of CPU). */
	api: AdminApi;
	cloud: Cloud;
	work: string;
	/** Undefined with `driver: "none"`. */
	agent: AgentProcess | undefined;
	configFile: string;
	/** Kills the agent (SIGKILL) and starts it again; resolves when it is active. */
	restartAgent(): Promise<AgentProcess>;
	dispose(): Promise<void>;
}

export interface HarnessOptions {
	/**
	 * "none": no agent at all, for a fleet seeded straight into D1 (an agent would report its hosts
	 * empty, and the Worker would rightly stop every seeded Running VM).
	 */
	driver: "simulator" | "libvirt" | "none";
	name: string;
	/** Guest addresses in the pod's range (default 50). */
	guestCount?: number;
	/** Extra environment for the agent process. */
	agentEnv?: Record<string, string>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
	const work = await mkdtemp(path.join(tmpdir(), `flarestack-${options.name}-`));
	const dev = await startRestartableDev();
	const agents: AgentProcess[] = [];
	try {
		const keys = await adminKeys(dev.apiUrl, await login(dev.apiUrl, "admin", dev.adminPassword));
		const cs = csClient(dev.apiUrl, keys);
		const api: AdminApi = {
			call: async (command, params = {}) => unwrap(await signedCall(dev.apiUrl, keys, command, params), command),
			raw: (command, params = {}) => signedCall(dev.apiUrl, keys, command, params),
		};
		const cloud = await buildCloud(cs, undefined, options.guestCount);
		let configFile = "";
		const start = async () => {
			const agent = runAgent(configFile, options.agentEnv);
			agents.push(agent);
			await agent.waitFor("ready", (line) => isReady(line, "active"), 60_000);
			return agent;
		};
		if (options.driver !== "none") {
			const token = (await cs.call("createRelayEnrollmentToken", { zoneid: cloud.zoneId })).relayenrollmenttoken.token;
			const enrolled = await enrolAgent(work, dev.origin, token, options.name, options.driver);
			if (enrolled.code !== 0) throw new Error(`enroll failed:\n${enrolled.output}`);
			configFile = enrolled.configFile;
		}
		const harness: Harness = {
			dev,
			keys,
			cs,
			api,
			cloud,
			work,
			agent: configFile ? await start() : undefined,
			configFile,
			restartAgent: async () => {
				if (!harness.agent) throw new Error("this harness has no agent");
				harness.agent.kill("SIGKILL");
				await harness.agent.exited;
				harness.agent = await start();
				return harness.agent;
			},
			dispose: async () => {
				for (const agent of agents) agent.kill("SIGKILL");
				await dev.dispose();
				await rm(work, { recursive: true, force: true });
			},
		};
		return harness;
	} catch (error) {
		for (const agent of agents) agent.kill("SIGKILL");
		await dev.dispose();
		await rm(work, { recursive: true, force: true });
		throw error;
	}
}
