/**
 * @module Config drives: the OpenStack layout cloud-init reads (`openstack/latest/meta_data.json`,
 * `user_data`, `network_data.json`, as the Worker lists them) in an ISO 9660 image labelled
 * `config-2`, written into the guest's pool before vm.start (as `path.part`, then renamed, so a
 * guest never boots from half a drive). Rewritten on every start: the content may have changed.
 */
import type { ConfigDrive } from "@flarestack/protocol";
import { parentOf, type StoreSource, withStore } from "../templates/stores.ts";
import { buildIso } from "./iso9660.ts";

export const CONFIG_DRIVE_LABEL = "config-2";

export function configDriveIso(files: ConfigDrive["files"]): Buffer {
	return buildIso(
		files.map(({ name, base64 }) => ({ name, data: Buffer.from(base64, "base64") })),
		CONFIG_DRIVE_LABEL,
	);
}

export async function writeConfigDrive(open: StoreSource, drive: ConfigDrive, signal?: AbortSignal): Promise<void> {
	const bytes = configDriveIso(drive.files);
	await withStore(open, drive.store, async (store) => {
		const parent = parentOf(drive.path);
		if (parent) await store.mkdirp(parent);
		const part = `${drive.path}.part`;
		try {
			const stream = await store.createWriteStream(part);
			await new Promise<void>((resolve, reject) => {
				stream.on("error", reject);
				stream.on("finish", resolve);
				stream.end(bytes);
			});
			signal?.throwIfAborted();
			await store.rename(part, drive.path);
		} catch (error) {
			await store.remove(part).catch(() => false);
			throw error;
		}
	});
}
