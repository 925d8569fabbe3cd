/**
 * @module The Migrate dialog's reading of findHostsForMigration: what each host has free (after
 * overcommit, as the planner counts it) and, for the hosts the API marks unsuitable, why.
 */
import type { Row } from "../../api/client";
import { formatBytes } from "../../api/format";

const MAINTENANCE = new Set(["PrepareForMaintenance", "Maintenance", "ErrorInMaintenance"]);

export interface MigrationTarget {
	value: string;
	name: string;
	/** What it has free, and whether it is suitable (with why not). */
	description: string;
	disabled: boolean;
	/** Why the host cannot take the instance; undefined for a suitable host. */
	reason: string | undefined;
	free: string;
}

/** The CPU (MHz) and memory (bytes) a host can still give, overcommit included; never below 0. */
export function freeOf(host: Row): { cpuMhz: number; memoryBytes: number } {
	const cpuTotal = Number(host.cpuwithoverprovisioning ?? Number(host.cpunumber) * Number(host.cpuspeed));
	const memoryTotal = Number(host.memorywithoverprovisioning ?? host.memorytotal);
	const cpuMhz = Math.max(0, cpuTotal - Number(host.cpuallocatedvalue ?? 0));
	const memoryBytes = Math.max(0, memoryTotal - Number(host.memoryallocated ?? 0));
	return {
		cpuMhz: Number.isFinite(cpuMhz) ? cpuMhz : 0,
		memoryBytes: Number.isFinite(memoryBytes) ? memoryBytes : 0,
	};
}

export function freeText(host: Row): string {
	const { cpuMhz, memoryBytes } = freeOf(host);
	return `${Math.round(cpuMhz)} MHz CPU, ${formatBytes(memoryBytes, { empty: "0 B" })} memory free`;
}

/** Why an unsuitable host is one, from its own fields (the API gives the verdict, not the reason). */
export function unsuitableReason(host: Row): string | undefined {
	if (host.suitableformigration === true) return undefined;
	if (host.state !== "Up") return `host is ${host.state ?? "not Up"}`;
	const resource = String(host.resourcestate ?? "Enabled");
	if (MAINTENANCE.has(resource)) return "host is in maintenance";
	if (resource !== "Enabled") return `host is ${resource}`;
	if (host.hasenoughcapacity === false) return "not enough free CPU or memory";
	if (host.requiresStorageMotion === true) return "would need storage migration";
	return "not suitable for this instance";
}

/** The dialog's options: suitable hosts first (most free memory first), unsuitable ones disabled with why. */
export function migrationTargets(hosts: readonly Row[]): MigrationTarget[] {
	const targets = hosts.map((host) => {
		const reason = unsuitableReason(host);
		const free = freeText(host);
		return {
			value: String(host.id),
			name: String(host.name),
			description: `${free} — ${reason ? `unsuitable: ${reason}` : "suitable"}`,
			disabled: reason !== undefined,
			reason,
			free,
			memory: freeOf(host).memoryBytes,
		};
	});
	targets.sort((a, b) => Number(a.disabled) - Number(b.disabled) || b.memory - a.memory);
	return targets.map(({ memory: _memory, ...target }) => target);
}
