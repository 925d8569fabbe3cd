/**
 * @module A store that is a directory the agent sees: a SharedMountPoint/Filesystem pool, or an NFS
 * export the kernel mounted. Writes go through a FileHandle so `finish` can mean fsync'd, as the
 * Store contract asks (fs.WriteStream emits `finish` before its data is flushed).
 */
import { constants, createReadStream } from "node:fs";
import { type FileHandle, lstat, mkdir, open, rename, rm, statfs } from "node:fs/promises";
import path from "node:path";
import { type Readable, Writable } from "node:stream";
import type { StoreLocation, StoreUsage } from "@flarestack/protocol";
import { type Store, type StoreEntry, StoreError } from "./store.ts";

export class LocalStore implements Store {
	readonly location: StoreLocation;
	readonly label: string;
	readonly #root: string;

	/** `root` is the directory; `location` defaults to it (a kernel-mounted NFS store passes its own). */
	constructor(root: string, location?: StoreLocation) {
		this.#root = path.resolve(root);
		this.location = location ?? { kind: "local", path: this.#root };
		this.label = location?.kind === "nfs" ? `nfs://${location.server}${location.path}` : this.#root;
	}

	/** The absolute path of `p`, refusing anything that would leave the store. */
	#abs(p: string): string {
		const abs = path.resolve(this.#root, p);
		if (abs !== this.#root && !abs.startsWith(`${this.#root}/`))
			throw new StoreError("failed", `${p} is outside ${this.label}`);
		return abs;
	}

	#fail(e: unknown, what: string): StoreError {
		if (e instanceof StoreError) return e;
		const err = e as NodeJS.ErrnoException;
		if (err.code === "ENOSPC" || err.code === "EDQUOT") return new StoreError("no_space", `${this.label} is full`);
		if (err.code === "ENOENT" && what === "usage") return new StoreError("unreachable", `${this.label} does not exist`);
		return new StoreError("failed", `${this.label}: ${what}: ${err.message}`);
	}

	async usage(): Promise<StoreUsage> {
		try {
			const s = await statfs(this.#root);
			return { capacityBytes: s.blocks * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize };
		} catch (e) {
			throw this.#fail(e, "usage");
		}
	}

	async stat(p: string): Promise<StoreEntry | null> {
		try {
			const s = await lstat(this.#abs(p));
			return { type: s.isDirectory() ? "directory" : "file", size: s.size };
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR")
				return null;
			throw this.#fail(e, `stat ${p}`);
		}
	}

	async createWriteStream(p: string): Promise<Writable> {
		const abs = this.#abs(p);
		let fh: FileHandle;
		try {
			await mkdir(path.dirname(abs), { recursive: true, mode: 0o755 });
			fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
			await fh.chmod(0o644); // whatever the umask, qemu running as another user must read it
		} catch (e) {
			throw this.#fail(e, `create ${p}`);
		}
		const fail = (e: unknown) => this.#fail(e, `write ${p}`);
		return new Writable({
			highWaterMark: 1024 * 1024,
			writev(chunks, callback) {
				fh.writev(chunks.map((c) => c.chunk as Buffer)).then(
					() => callback(),
					(e) => callback(fail(e)),
				);
			},
			final(callback) {
				fh.sync()
					.then(() => fh.close())
					.then(
						() => callback(),
						(e) => callback(fail(e)),
					);
			},
			destroy(error, callback) {
				fh.close().then(
					() => callback(error),
					() => callback(error),
				);
			},
		});
	}

	/** `range.end` is inclusive, as fs.createReadStream's. */
	createReadStream(p: string, range?: { start?: number; end?: number }): Readable {
		return createReadStream(this.#abs(p), { start: range?.start, end: range?.end, highWaterMark: 1024 * 1024 });
	}

	async read(p: string, offset: number, length: number): Promise<Buffer> {
		try {
			const fh = await open(this.#abs(p), "r");
			try {
				const buf = Buffer.alloc(length);
				const { bytesRead } = await fh.read(buf, 0, length, offset);
				return buf.subarray(0, bytesRead);
			} finally {
				await fh.close();
			}
		} catch (e) {
			throw this.#fail(e, `read ${p}`);
		}
	}

	async rename(from: string, to: string): Promise<void> {
		try {
			await mkdir(path.dirname(this.#abs(to)), { recursive: true, mode: 0o755 });
			await rename(this.#abs(from), this.#abs(to));
		} catch (e) {
			throw this.#fail(e, `rename ${from} to ${to}`);
		}
	}

	async remove(p: string): Promise<boolean> {
		if (!(await this.stat(p))) return false;
		try {
			await rm(this.#abs(p), { recursive: true, force: true });
			return true;
		} catch (e) {
			throw this.#fail(e, `remove ${p}`);
		}
	}

	async mkdirp(p: string): Promise<void> {
		try {
			await mkdir(this.#abs(p), { recursive: true, mode: 0o755 });
		} catch (e) {
			throw this.#fail(e, `mkdir ${p}`);
		}
	}

	qemuPath(p: string): string {
		return this.#abs(p);
	}

	async close(): Promise<void> {}
}
