/**
 * @module The operator's side of the instance e2e tests and the deploy benchmark: CloudStack's own
 * client (`python3 -m cs`, Debian python3-cs) against a private `wrangler dev`, the seed's build of a
 * basic zone (zone → pod → guest range → cluster, enabled), async jobs polled with
 * queryAsyncJobResult, and VM lookups. Erasable TypeScript only (the benchmark imports it).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import type { Keys } from "../clients/api.ts";

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
export type Json = Record<string, any>;

export const CS_PYTHON = process.env.CS_PYTHON ?? "/usr/bin/python3";

/** Is python3-cs installed? */
export async function hasCsClient(): Promise<boolean> {
	return run(CS_PYTHON, ["-c", "import cs"]).then(
		() => true,
		() => false,
	);
}

/** A failed `cs` call: the CloudStack error body (errorcode, errortext) when there was one. */
export class CsCallError extends Error {
	readonly body: Json | undefined;
	constructor(message: string, body: Json | undefined) {
		super(message);
		this.body = body;
	}
}

export interface CsClient {
	/**
	 * `python3 -m cs COMMAND k=v…`, POST, signed with the keys. Async commands: with `wait` (the
	 * default) the client polls the job itself and this resolves with its `jobresult`; with
	 * `wait: false` (`--async`) it resolves with `{jobid, id}` at once.
	 */
	call(command: string, args?: Record<string, string>, options?: { wait?: boolean; timeoutMs?: number }): Promise<Json>;
}

export function csClient(apiUrl: string, keys: Keys): CsClient {
	return {
		async call(command, args = {}, options = {}) {
			const argv = ["-m", "cs", "--quiet"];
			if (options.wait === false) argv.push("--async");
			argv.push(command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`));
			const env = {
				PATH: process.env.PATH ?? "/usr/bin:/bin",
				HOME: tmpdir(),
				LANG: "C.UTF-8",
				PYTHONDONTWRITEBYTECODE: "1",
				CLOUDSTACK_ENDPOINT: apiUrl,
				CLOUDSTACK_KEY: keys.apiKey,
				CLOUDSTACK_SECRET: keys.secretKey,
				CLOUDSTACK_METHOD: "post",
				CLOUDSTACK_TIMEOUT: "60",
				// The client's own job polling (default every 2 s) would dominate the timings.
				CLOUDSTACK_POLL_INTERVAL: "0.2",
			};
			try {
				const { stdout } = await run(CS_PYTHON, argv, {
					env: env as unknown as NodeJS.ProcessEnv,
					timeout: options.timeoutMs ?? 180_000,
					maxBuffer: 64 * 1024 * 1024,
				});
				const answer = stdout.trim() ? (JSON.parse(stdout) as Json) : {};
				// A job the client waited for that failed: cs prints its queryAsyncJobResult answer and exits 0.
				const failedJob = answer.queryasyncjobresultresponse;
				if (failedJob?.jobstatus === 2) {
					throw new CsCallError(
						`cs ${command} ${JSON.stringify(args)}: the job failed: ${JSON.stringify(failedJob.jobresult)}`,
						answer,
					);
				}
				return answer;
			} catch (error) {
				if (error instanceof CsCallError) throw error;
				const e = error as { stdout?: string; stderr?: string; message: string };
				let body: Json | undefined;
				try {
					body = e.stdout?.trim() ? (JSON.parse(e.stdout) as Json) : undefined;
				} catch {
					body = undefined;
				}
				throw new CsCallError(
					`cs ${command} ${JSON.stringify(args)} failed: ${e.stderr?.trim() || e.message} ${e.stdout?.trim() ?? ""}`,
					body,
				);
			}
		},
	};
}

/**
 * The CloudStack error inside a rejected call: the answer's own (`{xresponse: {errorcode, …}}`) or,
 * for a failed job the client waited for, its `jobresult`'s.
 */
export function csError(error: unknown): { errorcode?: number; errortext?: string } {
	const find = (value: unknown, depth: number): Json | undefined => {
		if (!value || typeof value !== "object" || depth > 3) return undefined;
		if ("errortext" in value || "errorcode" in value) return value as Json;
		for (const inner of Object.values(value)) {
			const found = find(inner, depth + 1);
			if (found) return found;
		}
		return undefined;
	};
	const found = find(error instanceof CsCallError ? error.body : undefined, 0);
	return found ? { errorcode: found.errorcode, errortext: found.errortext } : {};
}

export interface Cloud {
	zoneId: string;
	podId: string;
	clusterId: string;
	networkId: string;
	/** The pod's guest range, e.g. 10.70.0.100–10.70.0.149. */
	guestStart: string;
	guestEnd: string;
}

let subnet = 70;

/**
 * The seed's basic installation up to the cluster: createZone → createPod → createVlanIpRange
 * (the pod's guest addresses) → addCluster, then updateZone Enabled (deploys need it).
 */
export async function buildCloud(cs: CsClient, tag = randomBytes(3).toString("hex"), guestCount = 50): Promise<Cloud> {
	const s = subnet++;
	// Up to 150 guests fit .100–.249 of a /24; more take a /16 (10.s.0.100 onwards).
	const wide = guestCount > 150;
	const netmask = wide ? "255.255.0.0" : "255.255.255.0";
	const gateway = `10.${s}.0.1`;
	const zone = (
		await cs.call("createZone", { name: `vm-${tag}`, networktype: "Basic", dns1: "8.8.8.8", internaldns1: "10.0.0.2" })
	).zone;
	const pod = (
		await cs.call("createPod", {
			zoneid: zone.id,
			name: `pod-${tag}`,
			gateway,
			netmask,
			startip: `10.${s}.0.10`,
			endip: `10.${s}.0.50`,
		})
	).pod;
	const last = 100 + guestCount - 1;
	const guestStart = `10.${s}.0.100`;
	const guestEnd = `10.${s}.${Math.floor(last / 256)}.${last % 256}`;
	await cs.call("createVlanIpRange", {
		podid: pod.id,
		forvirtualnetwork: "false",
		gateway,
		netmask,
		startip: guestStart,
		endip: guestEnd,
	});
	const cluster = (
		await cs.call("addCluster", {
			zoneid: zone.id,
			podid: pod.id,
			clustername: `cluster-${tag}`,
			hypervisor: "KVM",
			clustertype: "CloudManaged",
		})
	).cluster[0];
	await cs.call("updateZone", { id: zone.id, allocationstate: "Enabled" });
	const network = (await cs.call("listNetworks", { zoneid: zone.id, listall: "true" })).network?.[0];
	return {
		zoneId: zone.id,
		podId: pod.id,
		clusterId: cluster.id,
		networkId: network?.id ?? "",
		guestStart,
		guestEnd,
	};
}

/** addHost (through the zone's relay); resolves with the host it answers. */
export async function csAddHost(cs: CsClient, cloud: Cloud, url: string): Promise<Json> {
	const inner = await cs.call("addHost", {
		zoneid: cloud.zoneId,
		podid: cloud.podId,
		clusterid: cloud.clusterId,
		url,
		hypervisor: "KVM",
		username: "root",
		password: "unused",
	});
	return inner.host[0];
}

/** Polls `probe` every `everyMs` until it returns something truthy; rejects after `ms`. */
export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	ms = 30_000,
	everyMs = 100,
): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline)
			throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

/** queryAsyncJobResult until the job is no longer pending; resolves with the whole job answer. */
export async function finishedJob(cs: CsClient, jobid: string, ms = 180_000, everyMs = 250): Promise<Json> {
	return waitFor(
		`job ${jobid}`,
		async () => {
			const job = await cs.call("queryAsyncJobResult", { jobid });
			return job.jobstatus !== 0 ? job : undefined;
		},
		ms,
		everyMs,
	);
}

/** The VM as listVirtualMachines shows it (undefined once it is gone). */
export async function vmRow(cs: CsClient, id: string): Promise<Json | undefined> {
	return (await cs.call("listVirtualMachines", { id, listall: "true" })).virtualmachine?.[0];
}

/** Waits until the VM is in `state`; resolves with its row. */
export async function vmInState(cs: CsClient, id: string, state: string, ms = 60_000): Promise<Json> {
	let seen = "";
	return waitFor(
		`VM ${id} ${state}`,
		async () => {
			const row = await vmRow(cs, id);
			seen = row?.state ?? "(gone)";
			return row?.state === state ? row : undefined;
		},
		ms,
		250,
	).catch((error: Error) => {
		throw new Error(`${error.message} (last state ${seen})`);
	});
}

/** Events of `type` that name `resourceId` (in resourceid or the description). */
export async function eventsFor(cs: CsClient, type: string, resourceId: string): Promise<Json[]> {
	const inner = await cs.call("listEvents", { type, listall: "true", pagesize: "500" });
	return (inner.event ?? []).filter(
		(e: Json) => e.resourceid === resourceId || String(e.description ?? "").includes(resourceId),
	);
}
