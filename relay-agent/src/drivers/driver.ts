/**
 * @module What the agent needs from a hypervisor driver. A driver is stateless: every call names the
 * host's URI, and the agent's host registry (hosts.ts) keeps what it learns. `HostDriver` reads hosts,
 * `VmDriver` runs guests on them.
 */
import type { DiskSpec, Domain, DomainSpec, DomainType } from "@flarestack/protocol";

/** A host's facts as the driver reads them; the registry adds its id, URI and state. */
export interface HostFacts {
	name: string;
	cpuCount: number;
	cpuMhz: number;
	memoryBytes: number;
	hypervisorVersion: string;
	domainType: DomainType;
	domains: Domain[];
}

export type ProbeResult = { up: true } | { up: false; text: string };

export interface CallOptions {
	/** The longest the call may take, in ms. */
	timeoutMs: number;
	/** Aborts the call (the command's deadline passed, or the agent is stopping). */
	signal?: AbortSignal;
}

export interface HostDriver {
	/** Reaches the host at `uri` and reads its facts. Throws a DriverError. */
	connect(uri: string, options: CallOptions): Promise<HostFacts>;
	/** A cheap "does the host's libvirtd answer?" that never throws. */
	probe(uri: string, options: CallOptions): Promise<ProbeResult>;
}

/** `unreachable`: the host (or the tool behind it) did not answer; `failed`: it answered nonsense. */
export type DriverErrorCode = "unreachable" | "timeout" | "failed";

export class DriverError extends Error {
	readonly code: DriverErrorCode;
	constructor(code: DriverErrorCode, message: string) {
		super(message);
		this.name = "DriverError";
		this.code = code;
	}
}

/** What the VM methods need besides the spec: the agent's site settings. */
export interface GuestSettings {
	/** The bridge guest NICs join on every host (CloudStack's cloudbr0). */
	guestBridge: string;
}

/** Where a live migration goes: the target host's libvirt URI (from the agent's host registry). */
export interface MigrationTarget {
	uri: string;
}

/**
 * The guest methods of a driver. Domains are transient (stopped = gone from libvirt, as CloudStack's
 * KVM agent runs them), so "not there" is a state (`shutoff`), never an error. Every method is safe to
 * repeat: the Worker resends a command whose answer it did not get.
 */
export interface VmDriver {
	/** The host's domains in one call (the poller's domain watch). Throws a DriverError when unreachable. */
	listDomains(uri: string, options: CallOptions): Promise<Domain[]>;
	/** Runs the guest; one of that name already running is returned as it is. */
	startDomain(uri: string, spec: DomainSpec, settings: GuestSettings, options: CallOptions): Promise<Domain>;
	/** ACPI shutdown, then a hard stop after `graceMs` (0: at once). Gone already is success. */
	stopDomain(uri: string, name: string, graceMs: number, options: CallOptions): Promise<void>;
	/** A hard reset (guests without ACPI ignore a reboot request). */
	resetDomain(uri: string, name: string, options: CallOptions): Promise<Domain>;
	/** Live migration; a guest already running on the target (and gone here) is success. */
	migrateDomain(uri: string, name: string, target: MigrationTarget, options: CallOptions): Promise<Domain>;
	/** Hot-plugs `disk` (already attached at that target: success). */
	attachDisk(uri: string, name: string, disk: DiskSpec, options: CallOptions): Promise<void>;
	/** Unplugs the disk at `target` (not attached: success). */
	detachDisk(uri: string, name: string, target: string, options: CallOptions): Promise<void>;
	/** Grows a disk of a running guest (virsh blockresize). */
	resizeDisk(uri: string, name: string, target: string, sizeBytes: number, options: CallOptions): Promise<void>;
}

/** A driver for hosts and their guests. */
export type Driver = HostDriver & VmDriver;
