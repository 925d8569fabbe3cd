/**
 * @module store.stat, store.remove, template.download, template.prepare and volume.clone: the
 * agent's storage work, on the stores `openStore` reaches (NFS in userspace, a kernel mount, or a
 * directory). Store failures keep their code (`unreachable`); a full store and a refused image
 * answer `failed` with the text operators read in listTemplates.
 */
import type { CommandArgs, CommandResult } from "@flarestack/protocol";
import type { DriverName } from "../config.ts";
import { type CommandContext, CommandError, type CommandHandlers } from "../dispatcher.ts";
import type { Logger } from "../log.ts";
import { cloneVolume } from "../templates/clone.ts";
import { downloadTemplate } from "../templates/download.ts";
import { TemplateCopier } from "../templates/prepare.ts";
import { QemuImg } from "../templates/qemu-img.ts";
import { simulatorStorageHandlers } from "../templates/simulator.ts";
import { type StoreSource, withStore } from "../templates/stores.ts";
import { uploadHandler } from "./upload.ts";

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
}

/** Every storage command for the agent: real stores, or the simulator's (which touches no disk). */
export function siteStorageHandlers(
	options: SiteStorageOptions,
): StorageHandlers & Pick<CommandHandlers, "template.upload"> {
	const { driver, openStore, log, url, credential } = options;
	if (driver === "simulator") {
		return {
			...simulatorStorageHandlers(log),
			"template.upload": async () => {
				throw new CommandError("failed", "the simulator keeps no template bytes to extract");
			},
		};
	}
	return { ...storageHandlers({ openStore, log }), ...uploadHandler({ url, credential, stores: openStore }) };
}
