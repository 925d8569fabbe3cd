/**
 * @module What the Worker tells an agent about a guest: the domain it must run (DomainSpec) with
 * its disks and NICs. The agent's driver turns a spec into libvirt domain XML (or simulator state);
 * the Worker never sends XML, so nothing a tenant types reaches libvirt unescaped.
 */
import { z } from "zod";
import { count, text, uuid } from "./common.ts";
import { DomainState, DomainType } from "./inventory.ts";
import { ImageFormat, StoreLocation, storePath } from "./storage.ts";

/** A libvirt domain name: CloudStack's `i-2-17-VM` form (letters, digits, `-`, `_`, `.`). */
export const domainName = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "not a domain name");

/** A disk target (`vda`, `vdb`, `hdc`, `sda`). */
export const diskTarget = z.string().regex(/^(vd|hd|sd)[a-z]$/, "not a disk target");

/** One layer of a disk's image chain, in the same store as the disk. */
export const DiskLayer = z.object({ path: storePath, format: ImageFormat });
export type DiskLayer = z.infer<typeof DiskLayer>;

/**
 * A disk of a domain. `chain` lists the backing layers below `path`, nearest first (a root disk's is
 * its template copy): libvirt is given every layer explicitly, because qemu over nfs:// resolves a
 * relative backing name wrongly and cannot read NFS files created 0600 without an identity.
 */
export const DiskSpec = z.object({
	/** The volume id (the disk's serial inside the guest, so it can be found again). */
	volumeId: uuid,
	device: z.enum(["disk", "cdrom"]),
	bus: z.enum(["virtio", "ide", "sata"]),
	target: diskTarget,
	store: StoreLocation,
	path: storePath,
	format: ImageFormat,
	chain: z.array(DiskLayer).max(16),
	readonly: z.boolean(),
});
export type DiskSpec = z.infer<typeof DiskSpec>;

/** A NIC: on the host's guest bridge (the agent's `guestBridge` setting, CloudStack's cloudbr0). */
export const NicSpec = z.object({
	mac: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "not a MAC address"),
	model: z.enum(["virtio", "e1000"]),
});
export type NicSpec = z.infer<typeof NicSpec>;

/** A file of a config drive, by its path inside the drive (`openstack/latest/meta_data.json`). */
export const ConfigDriveFile = z.object({
	name: z
		.string()
		.max(255)
		.regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/, "not a config drive path"),
	/** The file's bytes, Base64. */
	base64: z.string().max(1 << 20),
});

/**
 * A cloud-init config drive (ISO 9660, volume label `config-2`, OpenStack layout) the agent writes
 * to `store`/`path` before starting the guest; the domain's disk list names the same file (RAW,
 * read-only), so the guest sees it as a disk.
 */
export const ConfigDrive = z.object({
	store: StoreLocation,
	path: storePath,
	files: z.array(ConfigDriveFile).min(1).max(16),
});
export type ConfigDrive = z.infer<typeof ConfigDrive>;

/** Everything needed to run a guest on a host. `uuid` is the instance id. */
export const DomainSpec = z.object({
	uuid,
	name: domainName,
	type: DomainType,
	vcpus: z.int().min(1).max(512),
	/** Relative CPU weight (CloudStack gives vcpus × MHz as cpu shares). */
	cpuShares: z.int().min(2).max(262_144),
	memoryMiB: z
		.int()
		.min(16)
		.max(16 * 1024 * 1024),
	/** Boot from the first cdrom before the disks (a VM deployed from an ISO). */
	bootCdrom: z.boolean(),
	disks: z.array(DiskSpec).min(1).max(32),
	nics: z.array(NicSpec).max(8),
	configDrive: ConfigDrive.optional(),
});
export type DomainSpec = z.infer<typeof DomainSpec>;

/** A guest as the agent reports it after a change. */
export const DomainReport = z.object({ uuid, name: text(255), state: DomainState });

/** A file and its size after a copy. */
export const CopiedImage = z.object({ path: storePath, sizeBytes: count, physicalBytes: count });
