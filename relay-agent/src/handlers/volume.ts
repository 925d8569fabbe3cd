/**
 * @module volume.create, volume.resize and volume.copy: data disks, growing a disk, and the copies
 * behind migrateVolume, snapshots, reverts and templates from volumes. On real stores with qemu-img
 * (volumes/volume-ops.ts); a resize of a running guest's disk goes through its host (virsh
 * blockresize), the others never touch a host. The simulator's versions keep only sizes.
 */
import type { CommandArgs, CommandResult } from "@flarestack/protocol";
import { type CommandContext, CommandError } from "../dispatcher.ts";
import type { VmDriverPicker } from "../drivers/index.ts";
import type { Hosts } from "../hosts.ts";
import type { QemuImg } from "../templates/qemu-img.ts";
import type { SimulatedStorage } from "../templates/simulator.ts";
import type { StoreSource } from "../templates/stores.ts";
import { copyVolume, createVolume, resizeVolume, volumeImage } from "../volumes/volume-ops.ts";

export type VolumeCommand = "volume.create" | "volume.resize" | "volume.copy";
export type VolumeHandlers = {
	[N in VolumeCommand]: (args: CommandArgs<N>, context: CommandContext) => Promise<CommandResult<N>>;
};

export interface VolumeHandlerOptions {
	openStore: StoreSource;
	qemuImg: QemuImg;
	hosts: Hosts;
	drivers: VmDriverPicker;
}

export function volumeHandlers({ openStore, qemuImg, hosts, drivers }: VolumeHandlerOptions): VolumeHandlers {
	return {
		"volume.create": (args, { signal }) => createVolume(openStore, qemuImg, args, signal),

		"volume.resize": async ({ attachedTo, ...args }, { signal, remainingMs }) => {
			if (!attachedTo) return resizeVolume(openStore, qemuImg, args, signal);
			const current = await volumeImage(openStore, args.store, args.path);
			if (args.sizeBytes < current.sizeBytes) {
				throw new CommandError("invalid", `a volume cannot shrink (${current.sizeBytes} → ${args.sizeBytes} bytes)`);
			}
			const uri = hosts.uriOf(attachedTo.hostId);
			if (!uri) throw new CommandError("invalid", `this agent does not know host ${attachedTo.hostId}`);
			if (args.sizeBytes > current.sizeBytes) {
				await drivers(uri).resizeDisk(uri, attachedTo.name, attachedTo.target, args.sizeBytes, {
					timeoutMs: Math.max(1, remainingMs()),
					signal,
				});
			}
			return volumeImage(openStore, args.store, args.path);
		},

		"volume.copy": (args, { signal }) => copyVolume(openStore, qemuImg, args, signal),
	};
}

const BLANK_BYTES = 196 * 1024;

/** The simulator's volumes: files of the simulated stores with a virtual size and nothing else. */
export function simulatorVolumeHandlers(storage: SimulatedStorage): VolumeHandlers {
	const sizeOf = (file: { size: number; virtualSize?: number }) => file.virtualSize ?? file.size;
	return {
		"volume.create": async ({ store, path, sizeBytes }) => {
			const files = storage.files(store);
			const existing = files.get(path);
			if (existing && sizeOf(existing) !== sizeBytes) {
				throw new CommandError("conflict", `${path} already exists and is not this volume`);
			}
			if (!existing) files.set(path, { size: BLANK_BYTES, head: Buffer.alloc(0), virtualSize: sizeBytes });
			return { path, format: "QCOW2", sizeBytes, physicalBytes: files.get(path)?.size ?? BLANK_BYTES };
		},

		"volume.resize": async ({ store, path, sizeBytes }) => {
			const file = storage.files(store).get(path);
			if (!file) throw new CommandError("invalid", `${path} is not there`);
			if (sizeBytes < sizeOf(file)) {
				throw new CommandError("invalid", `a volume cannot shrink (${sizeOf(file)} → ${sizeBytes} bytes)`);
			}
			file.virtualSize = sizeBytes;
			return { path, format: "QCOW2", sizeBytes, physicalBytes: file.size };
		},

		"volume.copy": async ({ source, target }) => {
			const file = storage.files(source.store).get(source.path);
			if (!file) throw new CommandError("invalid", `${source.path} is not there`);
			const copy = { size: file.size, head: file.head, virtualSize: sizeOf(file) };
			storage.files(target.store).set(target.path, copy);
			return { path: target.path, sizeBytes: copy.virtualSize, physicalBytes: copy.size };
		},
	};
}
