/**
 * @module What an agent knows about its site: hosts, the domains on them and storage pools. Sent in
 * full in every `hello`, piece by piece in `event` frames, and as the result of host commands.
 */
import { z } from "zod";
import { count, text, uuid } from "./common.ts";
import { MAX_DOMAINS_PER_HOST } from "./limits.ts";

/**
 * A libvirt connection URI: `qemu+tcp://10.0.0.5/system`, `qemu+ssh://root@kvm1/system`,
 * `qemu:///system`; `test:///default` (libvirt's test driver) and `sim://name` (the agent's simulator)
 * for tests. No whitespace or control characters, so it is safe as one `virsh -c` argument.
 */
export const libvirtUri = z
	.string()
	.max(2048)
	.regex(/^(qemu(\+(tcp|tls|ssh|libssh|libssh2|unix))?|test|sim):\/\/[^\s\p{Cc}]*$/u, "not a libvirt URI");

/**
 * A host as the agent sees it: `Up` (libvirtd answers), `Connecting` (being reached), `Down` (libvirtd
 * does not answer). CloudStack's other states (Disconnected, Alert, Maintenance, …) are the Worker's.
 */
export const HostState = z.enum(["Up", "Connecting", "Down"]);
export type HostState = z.infer<typeof HostState>;

/** libvirt's domain states (`virDomainState`), in its own short names. */
export const DomainState = z.enum([
	"nostate",
	"running",
	"blocked",
	"paused",
	"shutdown",
	"shutoff",
	"crashed",
	"pmsuspended",
]);
export type DomainState = z.infer<typeof DomainState>;

/** A libvirt domain. Its UUID is any 8-4-4-4-12 hex id: libvirt accepts ones it did not make. */
export const Domain = z.object({
	name: text(255),
	uuid: z.guid(),
	state: DomainState,
});
export type Domain = z.infer<typeof Domain>;

/**
 * The libvirt domain type guests on a host get: `kvm` only when the host really runs hardware
 * virtualization (libvirt offers kvm AND the host CPU has vmx/svm), else `qemu` (TCG). libvirt's
 * capabilities alone are not trusted: some kernels advertise kvm that cannot run stock guests.
 */
export const DomainType = z.enum(["kvm", "qemu"]);
export type DomainType = z.infer<typeof DomainType>;

/** A host; when it is `Down`, the sizes are the last ones it reported. */
export const Host = z.object({
	id: uuid,
	uri: libvirtUri,
	name: text(255),
	state: HostState,
	cpuCount: count,
	cpuMhz: count,
	memoryBytes: count,
	hypervisorVersion: text(64),
	domainType: DomainType,
	domains: z.array(Domain).max(MAX_DOMAINS_PER_HOST),
});
export type Host = z.infer<typeof Host>;

/** CloudStack's StoragePoolType names for the pool kinds the agent mounts. */
export const PoolKind = z.enum(["NetworkFilesystem", "SharedMountPoint", "Filesystem"]);
export type PoolKind = z.infer<typeof PoolKind>;

/** A storage pool and how full it is. */
export const Pool = z.object({
	id: uuid,
	kind: PoolKind,
	capacityBytes: count,
	usedBytes: count,
});
export type Pool = z.infer<typeof Pool>;
