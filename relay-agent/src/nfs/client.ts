/**
 * @module A small userspace NFSv3 client with a path-level API, for hosts whose kernel has no NFS
 * client (and libnfs-utils' nfs-cp cannot read a pipe or remove/rename/mkdir). Hand-written: no npm
 * package speaks NFSv3. Paths are relative to the export, `/`-separated. Directory handles are
 * cached (NFSv3 handles are stable; dropped on remove/rename and on ESTALE); the TCP connection is
 * re-made on demand when it drops, since handles stay valid across reconnects and server restarts.
 */
import type { Readable, Writable } from "node:stream";
import { MOUNT_PROG, MOUNT_VERS, mnt, umnt } from "./mount3.ts";
import * as nfs3 from "./nfs3.ts";
import { FileType, NFS_PORT, NFS_PROG, NFS_VERS, NFS3ERR, Nfs3Error } from "./nfs3.ts";
import { getPort } from "./portmap.ts";
import { type RpcAuth, RpcConnection, RpcError } from "./rpc.ts";
import { NfsWriteStream, nfsReadStream } from "./streams.ts";

export interface NfsClientOptions {
	server: string;
	/** The exported directory, as MNT knows it (for NFSv3 the server's real path). */
	exportPath: string;
	/** AUTH_SYS identity; uid 0 / gid 0 unless told otherwise (exports are no_root_squash). */
	auth?: RpcAuth;
	/** Per-call timeout (and connect timeout). */
	timeoutMs?: number;
	/** COMMIT flushes everything written: give it longer. */
	commitTimeoutMs?: number;
	/** Skip the portmapper for either service. */
	mountPort?: number;
	nfsPort?: number;
	/** At most this many bytes per WRITE/READ (the server's wtmax/rtmax still bound it). */
	chunkBytes?: number;
	writesInFlight?: number;
	readsInFlight?: number;
	/** Turns errors of streams into what the caller reports (default: as they are). */
	mapError?: (e: unknown) => Error;
}

export interface NfsStat {
	type: "file" | "directory" | "other";
	size: number;
	used: number;
}

const DIR_MODE = 0o755;
const FILE_MODE = 0o644;
const ZERO8 = Buffer.alloc(8);

function segments(path: string): string[] {
	return path.split("/").filter((s) => s !== "" && s !== ".");
}

function isNfs(e: unknown, ...statuses: number[]): boolean {
	return e instanceof Nfs3Error && statuses.includes(e.status);
}

export class NfsClient {
	readonly options: Required<Omit<NfsClientOptions, "mountPort" | "nfsPort" | "mapError">>;
	readonly #mapError: (e: unknown) => Error;
	readonly #nfsPort: number;
	readonly #mountPort: number;
	readonly #root: Buffer;
	readonly #dirs = new Map<string, Buffer>();
	readonly #rsize: number;
	readonly #wsize: number;
	#conn: RpcConnection;
	#reconnecting: Promise<RpcConnection> | null = null;
	#closed = false;

	private constructor(
		options: NfsClient["options"],
		mapError: (e: unknown) => Error,
		ports: { mount: number; nfs: number },
		root: Buffer,
		conn: RpcConnection,
		sizes: { rsize: number; wsize: number },
	) {
		this.options = options;
		this.#mapError = mapError;
		this.#mountPort = ports.mount;
		this.#nfsPort = ports.nfs;
		this.#root = root;
		this.#conn = conn;
		this.#rsize = sizes.rsize;
		this.#wsize = sizes.wsize;
	}

	/** Finds the services, mounts the export and opens the NFS connection. */
	static async connect(input: NfsClientOptions): Promise<NfsClient> {
		const options = {
			server: input.server,
			exportPath: input.exportPath,
			auth: input.auth ?? { uid: 0, gid: 0 },
			timeoutMs: input.timeoutMs ?? 30_000,
			commitTimeoutMs: input.commitTimeoutMs ?? 300_000,
			chunkBytes: input.chunkBytes ?? 1024 * 1024,
			writesInFlight: input.writesInFlight ?? 8,
			readsInFlight: input.readsInFlight ?? 4,
		};
		const rpc = { timeoutMs: options.timeoutMs, auth: options.auth };
		const mountPort = input.mountPort ?? (await getPort(options.server, MOUNT_PROG, MOUNT_VERS, options.timeoutMs));
		if (mountPort === 0)
			throw new RpcError("unreachable", `${options.server} runs no NFSv3 mount service (portmapper)`);
		const nfsPort =
			input.nfsPort ?? ((await getPort(options.server, NFS_PROG, NFS_VERS, options.timeoutMs)) || NFS_PORT);
		const mountConn = await RpcConnection.connect(options.server, mountPort, rpc);
		let root: Buffer;
		try {
			root = await mnt(mountConn, options.exportPath);
		} finally {
			mountConn.close();
		}
		const conn = await RpcConnection.connect(options.server, nfsPort, rpc);
		const info = await nfs3.fsinfo(conn, root);
		const sizes = {
			rsize: Math.max(4096, Math.min(options.chunkBytes, info.rtmax || options.chunkBytes)),
			wsize: Math.max(4096, Math.min(options.chunkBytes, info.wtmax || options.chunkBytes)),
		};
		const mapError = input.mapError ?? ((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
		return new NfsClient(options, mapError, { mount: mountPort, nfs: nfsPort }, root, conn, sizes);
	}

	/** The live NFS connection; a dropped one is re-made once for all callers waiting. */
	#live = async (): Promise<RpcConnection> => {
		if (this.#closed) throw new RpcError("closed", "the NFS client was closed");
		if (!this.#conn.closed) return this.#conn;
		this.#reconnecting ??= RpcConnection.connect(this.options.server, this.#nfsPort, {
			timeoutMs: this.options.timeoutMs,
			auth: this.options.auth,
		}).finally(() => {
			this.#reconnecting = null;
		});
		this.#conn = await this.#reconnecting;
		return this.#conn;
	};

	/** The handle of directory `path` (made when `create`), cached. */
	async #dir(path: string, create: boolean): Promise<Buffer> {
		let fh = this.#root;
		let at = "";
		for (const name of segments(path)) {
			at = at ? `${at}/${name}` : name;
			const cached = this.#dirs.get(at);
			if (cached) {
				fh = cached;
				continue;
			}
			fh = await this.#lookupOrMkdir(fh, name, create);
			this.#dirs.set(at, fh);
		}
		return fh;
	}

	async #lookupOrMkdir(dir: Buffer, name: string, create: boolean): Promise<Buffer> {
		const conn = await this.#live();
		try {
			const found = await nfs3.lookup(conn, dir, name);
			if (found.attr && found.attr.type !== FileType.DIR) throw new Nfs3Error(NFS3ERR.NOTDIR, `LOOKUP ${name}`);
			return found.fh;
		} catch (e) {
			if (!create || !isNfs(e, NFS3ERR.NOENT)) throw e;
		}
		try {
			const made = await nfs3.mkdir(conn, dir, name, DIR_MODE);
			if (made) return made;
		} catch (e) {
			if (!isNfs(e, NFS3ERR.EXIST)) throw e; // made by someone else meanwhile: look it up
		}
		return (await nfs3.lookup(conn, dir, name)).fh;
	}

	/** Runs `fn`; on a stale cached handle, forgets the cache and runs it once more. */
	async #fresh<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			if (!isNfs(e, NFS3ERR.STALE, NFS3ERR.BADHANDLE)) throw e;
			this.#dirs.clear();
			return fn();
		}
	}

	#split(path: string): { parent: string; name: string } {
		const parts = segments(path);
		const name = parts.pop();
		if (!name) throw new Nfs3Error(NFS3ERR.INVAL, `no file name in "${path}"`);
		return { parent: parts.join("/"), name };
	}

	#forget(path: string): void {
		const p = segments(path).join("/");
		for (const key of this.#dirs.keys()) if (key === p || key.startsWith(`${p}/`)) this.#dirs.delete(key);
	}

	/** Handle and attributes of `path`, or null when it (or a parent) does not exist. */
	async lookup(path: string): Promise<{ fh: Buffer; attr: nfs3.Attr } | null> {
		if (segments(path).length === 0)
			return { fh: this.#root, attr: await nfs3.getattr(await this.#live(), this.#root) };
		const { parent, name } = this.#split(path);
		return this.#fresh(async () => {
			try {
				const dir = await this.#dir(parent, false);
				const conn = await this.#live();
				const found = await nfs3.lookup(conn, dir, name);
				return { fh: found.fh, attr: found.attr ?? (await nfs3.getattr(conn, found.fh)) };
			} catch (e) {
				if (isNfs(e, NFS3ERR.NOENT, NFS3ERR.NOTDIR)) return null;
				throw e;
			}
		});
	}

	async stat(path: string): Promise<NfsStat | null> {
		const found = await this.lookup(path);
		if (!found) return null;
		const { type, size, used } = found.attr;
		return { type: type === FileType.REG ? "file" : type === FileType.DIR ? "directory" : "other", size, used };
	}

	async mkdirp(path: string): Promise<void> {
		await this.#fresh(() => this.#dir(path, true));
	}

	/** Creates (or truncates) `path`, mode 0644, parents made; its handle. */
	async createFile(path: string): Promise<Buffer> {
		const { parent, name } = this.#split(path);
		return this.#fresh(async () => {
			const dir = await this.#dir(parent, true);
			const conn = await this.#live();
			const fh = await nfs3.create(conn, dir, name, "unchecked", { mode: FILE_MODE, size: 0 });
			return fh ?? (await nfs3.lookup(conn, dir, name)).fh;
		});
	}

	/** A new file at `path` (replacing one there); `finish` = committed on the server. */
	async createWriteStream(path: string): Promise<Writable> {
		const fh = await this.createFile(path);
		return new NfsWriteStream(this.#live, fh, {
			chunkBytes: this.#wsize,
			inFlight: this.options.writesInFlight,
			commitTimeoutMs: this.options.commitTimeoutMs,
			mapError: this.#mapError,
		});
	}

	/** Bytes `[start, end)` of `path` (to the end of the file by default). */
	createReadStream(path: string, start = 0, end = Number.MAX_SAFE_INTEGER): Readable {
		const open = async () => {
			const found = await this.lookup(path);
			if (!found) throw new Nfs3Error(NFS3ERR.NOENT, `open ${path}`);
			return { fh: found.fh, size: found.attr.size };
		};
		return nfsReadStream(this.#live, open, start, end, {
			chunkBytes: this.#rsize,
			inFlight: this.options.readsInFlight,
			mapError: this.#mapError,
		});
	}

	async read(path: string, offset: number, length: number): Promise<Buffer> {
		const parts: Buffer[] = [];
		for await (const chunk of this.createReadStream(path, offset, offset + length)) parts.push(chunk as Buffer);
		return Buffer.concat(parts);
	}

	/** Renames `from` to `to` (replacing it; `to`'s parent is made if missing). */
	async rename(from: string, to: string): Promise<void> {
		const a = this.#split(from);
		const b = this.#split(to);
		await this.#fresh(async () => {
			const fromDir = await this.#dir(a.parent, false);
			const toDir = await this.#dir(b.parent, true);
			await nfs3.rename(await this.#live(), fromDir, a.name, toDir, b.name);
		});
		this.#forget(from);
		this.#forget(to);
	}

	/** Removes a file or a directory tree; false when nothing was there. */
	async remove(path: string): Promise<boolean> {
		const found = await this.lookup(path);
		if (!found) return false;
		const { parent, name } = this.#split(path);
		this.#forget(path);
		const dir = await this.#dir(parent, false);
		try {
			if (found.attr.type === FileType.DIR) {
				await this.#emptyDir(found.fh);
				await nfs3.rmdir(await this.#live(), dir, name);
			} else {
				await nfs3.remove(await this.#live(), dir, name);
			}
		} catch (e) {
			if (isNfs(e, NFS3ERR.NOENT)) return false;
			throw e;
		}
		return true;
	}

	async #emptyDir(dir: Buffer): Promise<void> {
		const entries: nfs3.DirEntry[] = [];
		let cookie: Buffer = ZERO8;
		let verf: Buffer = ZERO8;
		for (;;) {
			const page = await nfs3.readdirplus(await this.#live(), dir, cookie, verf);
			for (const e of page.entries) if (e.name !== "." && e.name !== "..") entries.push(e);
			const last = page.entries.at(-1);
			if (page.eof || !last) break;
			cookie = last.cookie;
			verf = page.verf;
		}
		for (const e of entries) {
			const conn = await this.#live();
			const fh = e.fh ?? (await nfs3.lookup(conn, dir, e.name)).fh;
			const type = e.attr?.type ?? (await nfs3.getattr(conn, fh)).type;
			try {
				if (type === FileType.DIR) {
					await this.#emptyDir(fh);
					await nfs3.rmdir(await this.#live(), dir, e.name);
				} else {
					await nfs3.remove(conn, dir, e.name);
				}
			} catch (err) {
				if (!isNfs(err, NFS3ERR.NOENT)) throw err;
			}
		}
	}

	/** Size and free space of the export's filesystem. */
	async fsstat(): Promise<{ totalBytes: number; freeBytes: number; availBytes: number }> {
		return nfs3.fsstat(await this.#live(), this.#root);
	}

	/** UMNT (best effort) and closes the connection. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#conn.close();
		try {
			const conn = await RpcConnection.connect(this.options.server, this.#mountPort, {
				timeoutMs: Math.min(this.options.timeoutMs, 5000),
				auth: this.options.auth,
			});
			await umnt(conn, this.options.exportPath).finally(() => conn.close());
		} catch {
			// UMNT only updates the server's list of mounts; the handles need nothing.
		}
	}
}
