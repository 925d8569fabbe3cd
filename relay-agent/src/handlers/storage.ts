/**
 * @module store.stat, store.remove, template.download, template.prepare and volume.clone: the
 * agent's storage work, on the stores `openStore` reaches (NFS in userspace, a kernel mount, or a
 * directory). Store failures keep their code (`unreachable`); a full store and a refused image
 * answer `failed` with the text operators read in listTemplates.
 */
import type { CommandArgs, CommandResult, ConfigDrive } from "@flarestack/protocol";
import type { DriverName } from "../config.ts";
import { type CommandContext, CommandError, type CommandHandlers } from "../dispatcher.ts";
import type { VmDriverPicker } from "../drivers/index.ts";
import type { Hosts } from "../hosts.ts";
import type { Logger } from "../log.ts";
import { cloneVolume } from "../templates/clone.ts";
import { downloadTemplate } from "../templates/download.ts";
import { TemplateCopier } from "../templates/prepare.ts";
import { QemuImg } from "../templates/qemu-img.ts";
import { SimulatedStorage, simulatorStorageHandlers } from "../templates/simulator.ts";
import { type StoreSource, withStore } from "../templates/stores.ts";
import { configDriveIso, writeConfigDrive } from "../volumes/config-drive.ts";
import { uploadHandler } from "./upload.ts";
import { simulatorVolumeHandlers, type VolumeHandlers, volumeHandlers } from "./volume.ts";

export type StorageCommand = "store.stat" | "store.remove" | "template.download" | "template.prepare" | "volume.clone";

export type StorageHandlers = {
	[N in StorageCommand]: (args: CommandArgs<N>, context: CommandContext) => Promise<CommandResult<N>>;
};

export interface StorageOptions {
	openStore: StoreSource;
	log: Logger;
	qemuImg?: QemuImg;
}

export function storageHandlers({ openStore, log, qemuImg = new QemuImg() }: StorageOptions): StorageHandlers {
	const copier = new TemplateCopier(openStore, qemuImg, log);
	return {
		"store.stat": ({ store }) => withStore(openStore, store, (opened) => opened.usage()),

		"store.remove": ({ store, path }) =>
			withStore(openStore, store, async (opened) => ({ removed: await opened.remove(path) })),

		"template.download": ({ templateId, store, ...request }, { signal, progress }) =>
			withStore(openStore, store, (opened) =>
				downloadTemplate(opened, request, { signal, progress, qemuImg, log: log.child({ templateId }) }),
			),

		"template.prepare": (args, { signal }) => copier.prepare(args, signal),

		"volume.clone": (args, { signal }) => cloneVolume(openStore, qemuImg, args, signal),
	};
}

export interface SiteStorageOptions {
	driver: DriverName;
	openStore: StoreSource;
	log: Logger;
	/** The control plane and a fresh relay JWT, for template.upload. */
	url: string;
	credential: () => Promise<string>;
	/** For volume.resize of a running guest's disk. */
	hosts: Hosts;
	vmDrivers: VmDriverPicker;
}

export type SiteStorage = StorageHandlers &
	VolumeHandlers &
	Pick<CommandHandlers, "template.upload"> & {
		/** Writes a config drive into its store (vm.start calls it before the guest starts). */
		writeConfigDrive: (drive: ConfigDrive, signal: AbortSignal) => Promise<void>;
	};

/** Every storage command for the agent: real stores, or the simulator's (which touches no disk). */
export function siteStorageHandlers(options: SiteStorageOptions): SiteStorage {
	const { driver, openStore, log, url, credential, hosts, vmDrivers } = options;
	if (driver === "simulator") {
		const storage = new SimulatedStorage();
		return {
			...simulatorStorageHandlers(log, storage),
			...simulatorVolumeHandlers(storage),
			"template.upload": async () => {
				throw new CommandError("failed", "the simulator keeps no template bytes to extract");
			},
			writeConfigDrive: async (drive) => {
				const bytes = configDriveIso(drive.files);
				storage.files(drive.store).set(drive.path, { size: bytes.length, head: bytes.subarray(0, 64 * 1024) });
			},
		};
	}
	const qemuImg = new QemuImg();
	return {
		...storageHandlers({ openStore, log, qemuImg }),
		...volumeHandlers({ openStore, qemuImg, hosts, drivers: vmDrivers }),
		...uploadHandler({ url, credential, stores: openStore }),
		writeConfigDrive: (drive, signal) => writeConfigDrive(openStore, drive, signal),
	};
}
