/**
 * @module The simulator's guests: in-memory transient domains per simulated host (keyed by its URI),
 * started, stopped, reset, migrated and hot-plugged at once, after the host's `latency`. A host that
 * is down (`fail=…`, or its control file says so) is unreachable for these calls too. The control
 * file may also list `"killed": ["<domain name>", …]`: those guests vanish as if killed on the host
 * (the poller then reports them `shutoff`), so a test can stop a VM outside the control plane.
 * `restore` seeds a host's guests from the agent's state file, so an agent restart keeps them, as
 * libvirt keeps real guests when the agent restarts.
 */
import { readFile } from "node:fs/promises";
import type { Domain, DomainSpec } from "@flarestack/protocol";
import { type CallOptions, DriverError, type VmDriver } from "./driver.ts";
import type { SimulatedHost } from "./simulator.ts";

interface SimDomain {
	domain: Domain;
	disks: Set<string>;
}

export interface SimHostAccess {
	/** Parses the URI, waits the host's latency and throws `unreachable` when it is down. */
	reach(uri: string, options: CallOptions): Promise<SimulatedHost>;
}

async function killedNames(host: SimulatedHost): Promise<string[]> {
	if (!host.control) return [];
	try {
		const control = JSON.parse(await readFile(host.control, "utf8")) as { killed?: unknown };
		return Array.isArray(control.killed) ? control.killed.filter((name) => typeof name === "string") : [];
	} catch {
		return [];
	}
}

export class SimulatedDomains {
	private readonly hosts = new Map<string, Map<string, SimDomain>>();

	/** The guests started on `uri` (not the fixed `domains=N` ones). */
	on(uri: string): Map<string, SimDomain> {
		let domains = this.hosts.get(uri);
		if (!domains) {
			domains = new Map();
			this.hosts.set(uri, domains);
		}
		return domains;
	}

	list(uri: string): Domain[] {
		return [...this.on(uri).values()].map(({ domain }) => domain);
	}

	/** Puts back guests the agent knew before a restart (the fixed ones are made again anyway). */
	restore(uri: string, domains: Domain[], fixed: Set<string>): void {
		const known = this.on(uri);
		for (const domain of domains) {
			if (domain.state === "shutoff" || fixed.has(domain.uuid) || known.has(domain.name)) continue;
			known.set(domain.name, { domain: { ...domain }, disks: new Set() });
		}
	}

	/** Drops the guests the host's control file says were killed. */
	async applyKills(uri: string, host: SimulatedHost): Promise<void> {
		for (const name of await killedNames(host)) this.on(uri).delete(name);
	}

	methods(access: SimHostAccess, fixedDomains: (host: SimulatedHost) => Domain[]): VmDriver {
		const reach = async (uri: string, options: CallOptions) => {
			const host = await access.reach(uri, options);
			await this.applyKills(uri, host);
			return host;
		};
		const running = (uri: string, name: string) => {
			const found = this.on(uri).get(name);
			if (!found) throw new DriverError("failed", `no running guest ${name} on ${uri}`);
			return found;
		};
		return {
			listDomains: async (uri, options) => {
				const host = await reach(uri, options);
				return [...fixedDomains(host), ...this.list(uri)];
			},
			startDomain: async (uri, spec: DomainSpec, _settings, options) => {
				await reach(uri, options);
				const domains = this.on(uri);
				const existing = domains.get(spec.name);
				if (existing) return existing.domain;
				const domain: Domain = { name: spec.name, uuid: spec.uuid, state: "running" };
				domains.set(spec.name, { domain, disks: new Set(spec.disks.map((disk) => disk.target)) });
				return domain;
			},
			stopDomain: async (uri, name, _graceMs, options) => {
				await reach(uri, options);
				this.on(uri).delete(name);
			},
			resetDomain: async (uri, name, options) => {
				await reach(uri, options);
				return running(uri, name).domain;
			},
			migrateDomain: async (uri, name, target, options) => {
				await reach(target.uri, options);
				const there = this.on(target.uri).get(name);
				if (there && !this.on(uri).has(name)) return there.domain;
				await reach(uri, options);
				const moving = running(uri, name);
				this.on(uri).delete(name);
				this.on(target.uri).set(name, moving);
				return moving.domain;
			},
			attachDisk: async (uri, name, disk, options) => {
				await reach(uri, options);
				running(uri, name).disks.add(disk.target);
			},
			detachDisk: async (uri, name, target, options) => {
				await reach(uri, options);
				running(uri, name).disks.delete(target);
			},
			resizeDisk: async (uri, name, target, _sizeBytes, options) => {
				await reach(uri, options);
				if (!running(uri, name).disks.has(target)) throw new DriverError("failed", `${name} has no disk ${target}`);
			},
		};
	}
}
