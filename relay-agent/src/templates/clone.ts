/**
 * @module volume.clone: a qcow2 linked clone of a template copy on the same pool. The backing file
 * is written RELATIVE to the clone's directory, so the same file works through `nfs://` and through
 * a local path. qemu-img create would overwrite an existing file, so a file already at `path` is
 * accepted only when it is this very clone (a repeated command), never replaced. Sizes come from
 * the qcow2 headers (read through the store), so a clone costs one qemu-img process. Note: qemu 7.2
 * opening a chain through `nfs://` itself resolves a relative backing name wrongly (as
 * `<overlay>/<backing>`); libvirt is given every layer explicitly (it must be anyway, for the NFS
 * identity), so only `qemu-img info --backing-chain nfs://…` is affected, never a guest.
 */
import { posix } from "node:path";
import type { CommandArgs, StoredImage } from "@flarestack/protocol";
import { CommandError } from "../dispatcher.ts";
import type { Store } from "../storage/store.ts";
import { qcow2Facts } from "./inspect.ts";
import type { QemuImg } from "./qemu-img.ts";
import { parentOf, type StoreSource, withStore } from "./stores.ts";

/** Enough of a qcow2 for its header and a backing file name (at most 1023 bytes, after the header). */
const HEADER_BYTES = 4096;

export async function cloneVolume(
	open: StoreSource,
	qemuImg: QemuImg,
	args: CommandArgs<"volume.clone">,
	signal?: AbortSignal,
): Promise<StoredImage> {
	return withStore(open, args.pool, async (pool) => {
		const backing = await pool.stat(args.backingPath);
		const base = backing?.type === "file" ? qcow2Facts(await pool.read(args.backingPath, 0, HEADER_BYTES)) : null;
		if (!base) throw new CommandError("invalid", `the template copy ${pool.label}/${args.backingPath} is not there`);
		const relative = posix.relative(`/${parentOf(args.path)}`, `/${args.backingPath}`);
		const existing = await pool.stat(args.path);
		if (existing) {
			const facts = existing.type === "file" ? qcow2Facts(await pool.read(args.path, 0, HEADER_BYTES)) : null;
			if (facts?.backing !== relative) {
				throw new CommandError("conflict", `${pool.label}/${args.path} already exists and is not this clone`);
			}
			return result(pool, args.path, facts.virtualSize);
		}
		const parent = parentOf(args.path);
		if (parent) await pool.mkdirp(parent);
		const sizeBytes = args.sizeBytes ?? base.virtualSize;
		await qemuImg.createOverlay(pool.qemuPath(args.path), relative, sizeBytes, signal);
		return result(pool, args.path, sizeBytes);
	});
}

async function result(pool: Store, path: string, sizeBytes: number): Promise<StoredImage> {
	const entry = await pool.stat(path);
	return { path, format: "QCOW2", sizeBytes, physicalBytes: entry?.size ?? 0 };
}
