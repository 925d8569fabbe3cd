/**
 * @module The commands the Worker can send an agent: a closed list, each with its own argument and
 * result schema. Adding a command means adding one entry to `COMMANDS` (see the README).
 */
import { z } from "zod";
import { count, uuid } from "./common.ts";
import { Host, libvirtUri } from "./inventory.ts";
import { describeIssues } from "./issues.ts";
import { Checksum, DownloadLimits, ImageFormat, StoredImage, StoreLocation, StoreUsage, storePath } from "./storage.ts";
import { CopiedImage, DiskSpec, DomainReport, DomainSpec, domainName } from "./vm.ts";

/** A guest on a known host, by its domain name. */
const onHost = { hostId: uuid, name: domainName };

/** Every command: its arguments and the `result` of a successful answer. */
export const COMMANDS = {
	/** Reach the host's libvirtd at `uri` and keep it as `hostId`; answers with the host's facts. */
	"host.connect": { args: z.object({ hostId: uuid, uri: libvirtUri }), result: Host },
	/** Read a known host again (facts, state, domains). */
	"host.refresh": { args: z.object({ hostId: uuid }), result: Host },
	/** Stop watching a host and forget it. */
	"host.disconnect": { args: z.object({ hostId: uuid }), result: z.object({}) },

	/** How big a store is and how much of it is used; fails `unreachable` when it cannot be reached. */
	"store.stat": { args: z.object({ store: StoreLocation }), result: StoreUsage },
	/** Removes a file, or a directory with everything in it; a path that is not there is no error. */
	"store.remove": {
		args: z.object({ store: StoreLocation, path: storePath }),
		result: z.object({ removed: z.boolean() }),
	},
	/**
	 * Streams `url` into `store` at `path` (written as `path.part`, renamed when it checks out),
	 * hashing while it writes; verifies `checksum` and the image (the format must be `format`; no
	 * backing file, no external data file; an ISO must carry the ISO 9660 mark). Sends progress
	 * frames. On any failure nothing is left at `path` or `path.part`.
	 */
	"template.download": {
		args: z.object({
			templateId: uuid,
			url: z.url({ protocol: /^https?$/ }).max(2048),
			format: ImageFormat,
			checksum: Checksum.optional(),
			store: StoreLocation,
			path: storePath,
			limits: DownloadLimits,
		}),
		result: StoredImage.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
	},
	/**
	 * Copies a template from secondary storage onto a primary pool as a qcow2 (qemu-img convert),
	 * once: concurrent and repeated calls for the same pool and path share one copy, and a copy
	 * already in place is reused (`copied: false`).
	 */
	"template.prepare": {
		args: z.object({
			templateId: uuid,
			source: z.object({ store: StoreLocation, path: storePath, format: ImageFormat }),
			pool: StoreLocation,
			path: storePath,
		}),
		result: StoredImage.extend({ copied: z.boolean() }),
	},
	/**
	 * Streams a file of `store` to the Worker: an HTTP POST of its bytes to `/relay/v1/stream/<streamId>`
	 * on the control plane (the agent's own signed JWT, as for connect), which hands them to the
	 * client of an extractTemplate link. Outbound only, like the WebSocket.
	 */
	"template.upload": {
		args: z.object({ store: StoreLocation, path: storePath, streamId: uuid }),
		result: z.object({ bytes: count }),
	},
	/** A qcow2 linked clone of `backingPath` (same pool), optionally larger than its base. */
	"volume.clone": {
		args: z.object({
			pool: StoreLocation,
			backingPath: storePath,
			path: storePath,
			sizeBytes: z.int().positive().optional(),
		}),
		result: StoredImage,
	},

	/** A blank qcow2 of `sizeBytes` (a data disk); an existing file of that size is reused. */
	"volume.create": {
		args: z.object({ store: StoreLocation, path: storePath, sizeBytes: z.int().positive() }),
		result: StoredImage,
	},
	/**
	 * Grows a volume to `sizeBytes`: `qemu-img resize` when no guest uses it, `virsh blockresize`
	 * when `attachedTo` names the running guest and its disk target.
	 */
	"volume.resize": {
		args: z.object({
			store: StoreLocation,
			path: storePath,
			sizeBytes: z.int().positive(),
			attachedTo: z.object({ ...onHost, target: z.string().max(8) }).optional(),
		}),
		result: StoredImage,
	},
	/**
	 * Copies an image between stores as one standalone qcow2 (`qemu-img convert`, backing chain
	 * flattened; `-U` so a running guest's disk can be read): migrateVolume, createSnapshot (pool →
	 * secondary), revertSnapshot (secondary → pool), createTemplate. Written as `path.part` and
	 * renamed, so a failure leaves nothing at `target.path`.
	 */
	"volume.copy": {
		args: z.object({
			source: z.object({ store: StoreLocation, path: storePath }),
			target: z.object({ store: StoreLocation, path: storePath }),
		}),
		result: CopiedImage,
	},

	/**
	 * Runs the guest on the host (a transient domain, as CloudStack's KVM agent does: stopped means
	 * gone from libvirt). A guest of that name already running is success (a resent command).
	 */
	"vm.start": { args: z.object({ hostId: uuid, domain: DomainSpec }), result: DomainReport },
	/**
	 * Stops the guest: an ACPI shutdown, then after `graceMs` (0 = at once, `forced`) a hard stop. A
	 * guest that is not there is success (it is stopped either way).
	 */
	"vm.stop": { args: z.object({ ...onHost, graceMs: z.int().min(0).max(600_000) }), result: z.object({}) },
	/** A hard reset of the running guest (virsh reset: guests without ACPI ignore a reboot request). */
	"vm.reboot": { args: z.object(onHost), result: DomainReport },
	/**
	 * Live-migrates the running guest to `targetHostId` (another host of this agent, same shared
	 * storage). A guest already running on the target is success.
	 */
	"vm.migrate": { args: z.object({ ...onHost, targetHostId: uuid }), result: DomainReport },
	/** Hot-plugs a disk into the running guest, or unplugs it (`detach`, by target). */
	"vm.attachDisk": { args: z.object({ ...onHost, disk: DiskSpec }), result: z.object({}) },
	"vm.detachDisk": { args: z.object({ ...onHost, target: z.string().max(8) }), result: z.object({}) },
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandArgs<N extends CommandName> = z.infer<(typeof COMMANDS)[N]["args"]>;
export type CommandResult<N extends CommandName> = z.infer<(typeof COMMANDS)[N]["result"]>;

export const CommandName = z.enum(Object.keys(COMMANDS) as [CommandName, ...CommandName[]]);

/**
 * Checks the `result` of a successful answer against the command it answers. The answer frame does
 * not name its command (the Worker knows it from the pending command), so this runs after
 * `parseFrame`.
 */
export function parseCommandResult<N extends CommandName>(
	name: N,
	result: unknown,
): { ok: true; result: CommandResult<N> } | { ok: false; error: string } {
	const parsed = COMMANDS[name].result.safeParse(result);
	if (parsed.success) return { ok: true, result: parsed.data as CommandResult<N> };
	return { ok: false, error: `bad ${name} result: ${describeIssues(parsed.error)}` };
}
