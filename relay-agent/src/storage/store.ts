/**
 * @module One interface for every store the agent writes to, whatever reaches it: an NFS export
 * through the agent's own userspace NFSv3 client (no kernel NFS needed), an NFS export the kernel
 * mounted, or a plain directory (SharedMountPoint/Filesystem pools). Paths are store-relative
 * (protocol `storePath`); `qemuPath` is what qemu-img is given for the same file.
 */
import type { Readable, Writable } from "node:stream";
import type { StoreLocation, StoreUsage } from "@flarestack/protocol";

export interface StoreEntry {
	type: "file" | "directory";
	/** Bytes for a file (what it takes on disk may be less: sparse files). */
	size: number;
}

export interface Store {
	readonly location: StoreLocation;
	/** For messages: `nfs://server/export` or the directory. */
	readonly label: string;
	usage(): Promise<StoreUsage>;
	/** The entry at `path`, or null when there is none. */
	stat(path: string): Promise<StoreEntry | null>;
	/**
	 * A new file at `path` (parents made as needed; an old file there is replaced), mode 0644 so
	 * qemu running as another user can read it. The stream's `finish` means the data is on the
	 * server (committed), not just sent.
	 */
	createWriteStream(path: string): Promise<Writable>;
	createReadStream(path: string, range?: { start?: number; end?: number }): Readable;
	/** Up to `length` bytes at `offset` (fewer at the end of the file). */
	read(path: string, offset: number, length: number): Promise<Buffer>;
	/** Moves `from` to `to` in the same store, replacing `to`. */
	rename(from: string, to: string): Promise<void>;
	/** Removes a file or a whole directory tree; false when nothing was there. */
	remove(path: string): Promise<boolean>;
	/** Makes a directory and its parents (no error when it exists). */
	mkdirp(path: string): Promise<void>;
	/** What qemu-img is given for `path`: a local file path, or `nfs://server/export/path`. */
	qemuPath(path: string): string;
	close(): Promise<void>;
}

/** A store that could not be reached or refused an operation; `code` maps to the answer's code. */
export class StoreError extends Error {
	readonly code: "unreachable" | "failed" | "no_space";
	constructor(code: StoreError["code"], message: string) {
		super(message);
		this.name = "StoreError";
		this.code = code;
	}
}
