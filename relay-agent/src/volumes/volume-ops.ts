/**
 * @module volume.create, volume.resize (of a volume no guest has open) and volume.copy on real
 * stores with qemu-img. Sizes are read from the qcow2 headers through the store, so the checks cost
 * no qemu-img process. A copy is written as `path.part` and renamed: a failure leaves nothing at the
 * target. A source with a backing chain on NFS is read through an NBD export of the chain with every
 * layer named explicitly (chain-export.ts), because qemu over nfs:// resolves a relative backing
 * name wrongly.
 */
import { posix } from "node:path";
import type { CommandArgs, StoredImage, StoreLocation } from "@flarestack/protocol";
import { CommandError } from "../dispatcher.ts";
import type { Store } from "../storage/store.ts";
import { qcow2Facts } from "../templates/inspect.ts";
import type { QemuImg } from "../templates/qemu-img.ts";
import { parentOf, type StoreSource, withStore } from "../templates/stores.ts";
import { withChainExport } from "./chain-export.ts";

const HEADER_BYTES = 4096;
/** No copy runs longer than this, whatever the command's deadline. */
const COPY_LIMIT_MS = 24 * 3600_000;
/** The deepest chain followed (the protocol's DiskSpec allows 16 layers). */
const MAX_CHAIN = 16;

async function header(store: Store, path: string) {
	const entry = await store.stat(path);
	if (entry?.type !== "file") return null;
	return { entry, facts: qcow2Facts(await store.read(path, 0, HEADER_BYTES)) };
}

async function stored(store: Store, path: string, sizeBytes: number): Promise<StoredImage> {
	const entry = await store.stat(path);
	return { path, format: "QCOW2", sizeBytes, physicalBytes: entry?.size ?? 0 };
}

export async function createVolume(
	open: StoreSource,
	qemuImg: QemuImg,
	{ store: location, path, sizeBytes }: CommandArgs<"volume.create">,
	signal?: AbortSignal,
): Promise<StoredImage> {
	return withStore(open, location, async (store) => {
		const existing = await header(store, path);
		if (existing) {
			// A repeated command finds its own blank disk; anything else there is not ours to replace.
			if (existing.facts?.virtualSize === sizeBytes && !existing.facts.backing) return stored(store, path, sizeBytes);
			throw new CommandError("conflict", `${store.label}/${path} already exists and is not this volume`);
		}
		const parent = parentOf(path);
		if (parent) await store.mkdirp(parent);
		await qemuImg.create(store.qemuPath(path), sizeBytes, signal);
		return stored(store, path, sizeBytes);
	});
}

/** Grows a volume no guest has open; the same size again is a no-op, a smaller one is refused. */
export async function resizeVolume(
	open: StoreSource,
	qemuImg: QemuImg,
	{ store: location, path, sizeBytes }: Pick<CommandArgs<"volume.resize">, "store" | "path" | "sizeBytes">,
	signal?: AbortSignal,
): Promise<StoredImage> {
	return withStore(open, location, async (store) => {
		const current = await header(store, path);
		if (!current?.facts) throw new CommandError("invalid", `${store.label}/${path} is not a qcow2 volume`);
		if (sizeBytes < current.facts.virtualSize) {
			throw new CommandError("invalid", `a volume cannot shrink (${current.facts.virtualSize} → ${sizeBytes} bytes)`);
		}
		if (sizeBytes > current.facts.virtualSize) await qemuImg.resize(store.qemuPath(path), sizeBytes, signal);
		return stored(store, path, sizeBytes);
	});
}

/** The size a volume has now, from its header (after a resize through the running guest). */
export async function volumeImage(open: StoreSource, location: StoreLocation, path: string): Promise<StoredImage> {
	return withStore(open, location, async (store) => {
		const current = await header(store, path);
		if (!current?.facts) throw new CommandError("invalid", `${store.label}/${path} is not a qcow2 volume`);
		return stored(store, path, current.facts.virtualSize);
	});
}

/**
 * The chain below `path`, top first, each layer resolved relative to the layer that names it (as
 * qemu does for local files); refused when a name leaves the store or the chain is too deep.
 */
export async function chainOf(store: Store, path: string): Promise<{ path: string; format: "qcow2" | "raw" }[]> {
	const first = await header(store, path);
	if (!first) throw new CommandError("invalid", `${store.label}/${path} is not there`);
	const chain: { path: string; format: "qcow2" | "raw" }[] = [{ path, format: first.facts ? "qcow2" : "raw" }];
	let facts: { backing?: string } | null = first.facts;
	let at = path;
	while (facts?.backing) {
		if (chain.length > MAX_CHAIN) throw new CommandError("failed", `${store.label}/${path}: backing chain too deep`);
		const next = posix.normalize(posix.join(parentOf(at), facts.backing));
		if (next.startsWith("../") || posix.isAbsolute(facts.backing)) {
			throw new CommandError("failed", `${store.label}/${at} names a backing file outside its store`);
		}
		const layer = await header(store, next);
		if (!layer) throw new CommandError("failed", `${store.label}/${at}: its backing file ${next} is not there`);
		chain.push({ path: next, format: layer.facts ? "qcow2" : "raw" });
		facts = layer.facts;
		at = next;
	}
	return chain;
}

/**
 * Runs `work` with what qemu-img reads for `path` with its whole chain: the file itself, or for a
 * chain on NFS an NBD export of it (chain-export.ts), because qemu over nfs:// cannot follow it.
 */
async function withSource<T>(
	store: Store,
	path: string,
	work: (input: { path: string; format: "qcow2" | "raw" }) => Promise<T>,
	signal?: AbortSignal,
) {
	const chain = await chainOf(store, path);
	const top = chain[0] ?? { path, format: "qcow2" as const };
	if (store.location.kind !== "nfs" || chain.length === 1)
		return work({ path: store.qemuPath(path), format: top.format });
	const root = store.location.path.replace(/\/+$/, "");
	const layers = chain.map((layer) => ({ path: `${root}/${layer.path}`, format: layer.format }));
	// The export is the guest's view of the disk: raw bytes, never probed.
	return withChainExport(store.location.server, layers, (url) => work({ path: url, format: "raw" }), signal);
}

export async function copyVolume(
	open: StoreSource,
	qemuImg: QemuImg,
	{ source, target }: CommandArgs<"volume.copy">,
	signal?: AbortSignal,
): Promise<{ path: string; sizeBytes: number; physicalBytes: number }> {
	return withStore(open, source.store, (from) =>
		withStore(open, target.store, async (to) => {
			const parent = parentOf(target.path);
			if (parent) await to.mkdirp(parent);
			const part = `${target.path}.part`;
			try {
				await withSource(
					from,
					source.path,
					(input) => qemuImg.copyToQcow2(input, to.qemuPath(part), COPY_LIMIT_MS, signal),
					signal,
				);
				signal?.throwIfAborted();
				await to.rename(part, target.path);
			} catch (error) {
				await to.remove(part).catch(() => false);
				throw error;
			}
			const made = await header(to, target.path);
			return {
				path: target.path,
				sizeBytes: made?.facts?.virtualSize ?? 0,
				physicalBytes: made?.entry.size ?? 0,
			};
		}),
	);
}
