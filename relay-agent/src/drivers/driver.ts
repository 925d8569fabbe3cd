/**
 * @module What the agent needs from a hypervisor driver. A driver is stateless: every call names the
 * host's URI, and the agent's host registry (hosts.ts) keeps what it learns. Later issues add VM,
 * volume and storage methods here.
 */
import type { Domain, DomainType } from "@flarestack/protocol";

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
