/**
 * @module Storage for the `simulator` driver (`npm start`, scale runs): nothing touches a disk.
 * Every store is 10 TiB, "used" is what was stored in it. A download is real — the HTTP GET with
 * every check (denied ranges, redirects, size, stall, checksum, the image header) — but keeps only
 * the first 64 KiB of the bytes; qemu-img is played from those bytes. Copies and clones succeed at
 * once with plausible sizes.
 */
import { Readable, Writable } from "node:stream";
import type { StoreLocation, StoreUsage } from "@flarestack/protocol";
import type { StorageHandlers } from "../handlers/storage.ts";
import type { Logger } from "../log.ts";
import type { Store, StoreEntry } from "../storage/store.ts";
import { downloadTemplate } from "./download.ts";
import { locationKey } from "./prepare.ts";
import { QemuImg, type QemuImgRunner } from "./qemu-img.ts";

const CAPACITY = 10 * 1024 ** 4;
const KEEP = 64 * 1024;
const DEFAULT_SIZE = 10 * 1024 ** 3;
const CLONE_BYTES = 196 * 1024;

export interface SimFile {
	size: number;
	head: Buffer;
	/** The size a guest would see. */
	virtualSize?: number;
}

/** The simulated stores: location → path → file. */
export class SimulatedStorage {
	readonly stores = new Map<string, Map<string, SimFile>>();

	files(location: StoreLocation): Map<string, SimFile> {
		const key = locationKey(location);
		let files = this.stores.get(key);
		if (!files) {
			files = new Map();
			this.stores.set(key, files);
		}
		return files;
	}

	store(location: StoreLocation): Store {
		return new SimStore(location, this.files(location));
	}

	/** qemu-img as far as a download needs it: `info` read from the kept head of the file. */
	readonly qemuImg: QemuImgRunner = async (args) => {
		const url = args.at(-1) ?? "";
		const match = /^sim:\/\/([^|]*)\|(.*)$/.exec(url);
		const file = match ? this.stores.get(match[1] ?? "")?.get(match[2] ?? "") : undefined;
		if (args[0] !== "info" || !file) throw new Error(`the simulator cannot run qemu-img ${args[0]} on ${url}`);
		const qcow2 = file.head.length >= 32 && file.head.readUInt32BE(0) === 0x514649fb;
		const virtualSize = qcow2 ? Number(file.head.readBigUInt64BE(24)) : file.size;
		return JSON.stringify({ format: qcow2 ? "qcow2" : "raw", "virtual-size": virtualSize, "actual-size": file.size });
	};
}

class SimStore implements Store {
	readonly location: StoreLocation;
	readonly label: string;
	private readonly files: Map<string, SimFile>;

	constructor(location: StoreLocation, files: Map<string, SimFile>) {
		this.location = location;
		this.label = `${locationKey(location)} (simulated)`;
		this.files = files;
	}

	async usage(): Promise<StoreUsage> {
		let used = 0;
		for (const file of this.files.values()) used += file.size;
		return { capacityBytes: CAPACITY, usedBytes: Math.min(used, CAPACITY) };
	}

	async stat(path: string): Promise<StoreEntry | null> {
		const file = this.files.get(path);
		if (file) return { type: "file", size: file.size };
		const prefix = `${path}/`;
		for (const key of this.files.keys()) if (key.startsWith(prefix)) return { type: "directory", size: 0 };
		return null;
	}

	async createWriteStream(path: string): Promise<Writable> {
		const file: SimFile = { size: 0, head: Buffer.alloc(0) };
		this.files.set(path, file);
		const kept: Buffer[] = [];
		return new Writable({
			write(chunk: Buffer, _encoding, callback) {
				if (file.size < KEEP) kept.push(chunk.subarray(0, KEEP - file.size));
				file.size += chunk.length;
				callback();
			},
			final(callback) {
				file.head = Buffer.concat(kept);
				callback();
			},
		});
	}

	createReadStream(path: string): Readable {
		return Readable.from([this.files.get(path)?.head ?? Buffer.alloc(0)]);
	}

	async read(path: string, offset: number, length: number): Promise<Buffer> {
		return (this.files.get(path)?.head ?? Buffer.alloc(0)).subarray(offset, offset + length);
	}

	async rename(from: string, to: string): Promise<void> {
		const file = this.files.get(from);
		if (!file) throw new Error(`${this.label}/${from} is not there`);
		this.files.delete(from);
		this.files.set(to, file);
	}

	async remove(path: string): Promise<boolean> {
		let removed = this.files.delete(path);
		for (const key of [...this.files.keys()]) {
			if (key.startsWith(`${path}/`)) removed = this.files.delete(key) || removed;
		}
		return removed;
	}

	async mkdirp(): Promise<void> {}

	qemuPath(path: string): string {
		return `sim://${locationKey(this.location)}|${path}`;
	}

	async close(): Promise<void> {}
}

export function simulatorStorageHandlers(log: Logger, storage = new SimulatedStorage()): StorageHandlers {
	const qemuImg = new QemuImg(storage.qemuImg);
	const sizeOf = (location: StoreLocation, path: string) => {
		const file = storage.files(location).get(path);
		if (!file) return undefined;
		if (file.virtualSize !== undefined) return file.virtualSize;
		return file.head.length >= 32 && file.head.readUInt32BE(0) === 0x514649fb
			? Number(file.head.readBigUInt64BE(24))
			: file.size;
	};
	return {
		"store.stat": async ({ store }) => storage.store(store).usage(),

		"store.remove": async ({ store, path }) => ({ removed: await storage.store(store).remove(path) }),

		"template.download": async ({ templateId, store, ...request }, { signal, progress }) => {
			const result = await downloadTemplate(storage.store(store), request, {
				signal,
				progress,
				qemuImg,
				log: log.child({ templateId, simulated: true }),
			});
			const file = storage.files(store).get(result.path);
			if (file) file.virtualSize = result.sizeBytes;
			return result;
		},

		"template.prepare": async ({ source, pool, path }) => {
			const files = storage.files(pool);
			const existing = files.get(path);
			const sizeBytes = existing?.virtualSize ?? sizeOf(source.store, source.path) ?? DEFAULT_SIZE;
			const physicalBytes = storage.files(source.store).get(source.path)?.size ?? Math.round(sizeBytes / 5);
			if (!existing) files.set(path, { size: physicalBytes, head: Buffer.alloc(0), virtualSize: sizeBytes });
			const format = source.format === "ISO" ? "ISO" : "QCOW2";
			return { path, format, sizeBytes, physicalBytes, copied: !existing };
		},

		"volume.clone": async ({ pool, backingPath, path, sizeBytes }) => {
			const files = storage.files(pool);
			const size = sizeBytes ?? files.get(backingPath)?.virtualSize ?? DEFAULT_SIZE;
			files.set(path, { size: CLONE_BYTES, head: Buffer.alloc(0), virtualSize: size });
			return { path, format: "QCOW2", sizeBytes: size, physicalBytes: CLONE_BYTES };
		},
	};
}
