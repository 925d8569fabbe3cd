/**
 * @module The simulator: fake hypervisor hosts that live inside the agent, described entirely by
 * their URI, for demos, tests and scale runs (thousands of hosts cost a few objects each).
 *
 * `sim://<name>?cpus=8&mhz=2400&memory=16G&domains=0&type=kvm&latency=5&fail=connect|probe&control=<file>`
 * - `cpus`, `mhz`, `memory` (bytes, or with K/M/G/T, binary), `domains` (that many running domains
 *   with stable UUIDs), `type` (the domain type, `kvm` or `qemu`): the host's facts.
 * - `latency`: ms every call takes.
 * - `fail=connect`: the host never answers; `fail=probe`: it connects once, then every probe fails.
 * - `control=<path>`: a JSON file read on every call; `{"down": true, "text": "…"}` makes the host
 *   unreachable until the file says otherwise (or is removed), so a test can take a host down and
 *   bring it back while the agent runs; `{"killed": ["<domain>"]}` kills guests (simulator-vm.ts).
 * Guests started with vm.start live in memory per host (simulator-vm.ts).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Domain, DomainType } from "@flarestack/protocol";
import { type CallOptions, type Driver, DriverError, type HostFacts, type ProbeResult } from "./driver.ts";
import { SimulatedDomains } from "./simulator-vm.ts";

export interface SimulatedHost {
	name: string;
	cpuCount: number;
	cpuMhz: number;
	memoryBytes: number;
	domainCount: number;
	domainType: DomainType;
	latencyMs: number;
	fail?: "connect" | "probe";
	control?: string;
}

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
export const SIMULATOR_VERSION = "1.0.0";

/** Reads a simulated host's description from its URI; any scheme works (the `simulator` driver). */
export function parseSimUri(uri: string): SimulatedHost {
	let url: URL;
	try {
		url = new URL(uri);
	} catch {
		throw new DriverError("failed", `not a simulator URI: ${uri}`);
	}
	const query = url.searchParams;
	const number = (key: string, fallback: number) => {
		const value = query.get(key);
		if (value === null) return fallback;
		if (!/^\d+$/.test(value)) throw new DriverError("failed", `${key} must be a whole number, not ${value}`);
		return Number(value);
	};
	const memory = query.get("memory") ?? "16G";
	const size = memory.match(/^(\d+)([kmgt]?)i?b?$/i);
	if (!size?.[1]) throw new DriverError("failed", `memory must be bytes or a size like 16G, not ${memory}`);
	const fail = query.get("fail");
	if (fail !== null && fail !== "connect" && fail !== "probe") {
		throw new DriverError("failed", `fail must be connect or probe, not ${fail}`);
	}
	const type = query.get("type") ?? "kvm";
	if (type !== "kvm" && type !== "qemu") throw new DriverError("failed", `type must be kvm or qemu, not ${type}`);
	const control = query.get("control");
	return {
		name: decodeURIComponent(url.hostname || url.pathname.replace(/^\/+/, "")) || "sim",
		cpuCount: number("cpus", 8),
		cpuMhz: number("mhz", 2400),
		memoryBytes: Number(size[1]) * (SIZE_UNITS[(size[2] ?? "").toLowerCase()] ?? 1),
		domainCount: Math.min(number("domains", 0), 4096),
		domainType: type,
		latencyMs: number("latency", 0),
		...(fail ? { fail } : {}),
		...(control ? { control } : {}),
	};
}

/** A UUID made from `seed`, the same every time: simulated domains keep their ids across restarts. */
export function stableUuid(seed: string): string {
	const hex = createHash("sha256").update(seed).digest("hex");
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function simulatedFacts(host: SimulatedHost): HostFacts {
	const domains: Domain[] = [];
	for (let i = 1; i <= host.domainCount; i++) {
		const name = `${host.name}-vm${i}`;
		domains.push({ name, uuid: stableUuid(`sim:${host.name}:${name}`), state: "running" });
	}
	return {
		name: host.name,
		cpuCount: host.cpuCount,
		cpuMhz: host.cpuMhz,
		memoryBytes: host.memoryBytes,
		hypervisorVersion: SIMULATOR_VERSION,
		domainType: host.domainType,
		domains,
	};
}

/** Why the host is down right now, or undefined when it is up. */
async function downReason(host: SimulatedHost): Promise<string | undefined> {
	if (!host.control) return undefined;
	let text: string;
	try {
		text = await readFile(host.control, "utf8");
	} catch {
		return undefined; // No control file: the host is up.
	}
	try {
		const control = JSON.parse(text) as { down?: unknown; text?: unknown };
		if (control.down !== true) return undefined;
		return typeof control.text === "string" && control.text ? control.text : "simulated outage";
	} catch {
		return undefined;
	}
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener(
			"abort",
			() => {
				clearTimeout(timer);
				reject(new DriverError("timeout", "simulated call aborted"));
			},
			{ once: true },
		);
	});
}

/** Latency over the call's timeout behaves like a slow host: a timeout. */
async function delay(host: SimulatedHost, { timeoutMs, signal }: CallOptions): Promise<void> {
	if (host.latencyMs > timeoutMs) {
		await wait(timeoutMs, signal);
		throw new DriverError("timeout", `${host.name} did not answer within ${timeoutMs} ms`);
	}
	await wait(host.latencyMs, signal);
}

/** The simulator, plus `restore` (guests the agent knew before a restart, from its state file). */
export type SimulatorDriver = Driver & { restore(uri: string, domains: Domain[]): void };

export function simulatorDriver(): SimulatorDriver {
	const guests = new SimulatedDomains();
	const fixed = (host: SimulatedHost) => simulatedFacts(host).domains;
	/** A host that answers: its latency waited, its failures thrown as `unreachable`. */
	const reach = async (uri: string, options: CallOptions) => {
		const host = parseSimUri(uri);
		await delay(host, options);
		if (host.fail) throw new DriverError("unreachable", `${host.name}: simulated ${host.fail} failure`);
		const down = await downReason(host);
		if (down) throw new DriverError("unreachable", `${host.name}: ${down}`);
		return host;
	};
	return {
		...guests.methods({ reach }, fixed),

		restore(uri, domains) {
			guests.restore(uri, domains, new Set(fixed(parseSimUri(uri)).map((domain) => domain.uuid)));
		},

		async connect(uri, options): Promise<HostFacts> {
			const host = parseSimUri(uri);
			await delay(host, options);
			if (host.fail === "connect") throw new DriverError("unreachable", `${host.name}: simulated connect failure`);
			const down = await downReason(host);
			if (down) throw new DriverError("unreachable", `${host.name}: ${down}`);
			await guests.applyKills(uri, host);
			const facts = simulatedFacts(host);
			return { ...facts, domains: [...facts.domains, ...guests.list(uri)] };
		},
		async probe(uri, options): Promise<ProbeResult> {
			try {
				const host = parseSimUri(uri);
				await delay(host, options);
				if (host.fail) return { up: false, text: `${host.name}: simulated ${host.fail} failure` };
				const down = await downReason(host);
				return down ? { up: false, text: `${host.name}: ${down}` } : { up: true };
			} catch (error) {
				return { up: false, text: error instanceof Error ? error.message : String(error) };
			}
		},
	};
}
