/**
 * @module A store on an NFS export reached through the agent's own NFSv3 client (relay-agent/src/nfs),
 * for hosts whose kernel cannot mount NFS. Connects lazily, once; NFS and RPC errors become
 * StoreErrors with the texts operators read (full, unreachable, or what failed).
 */
import { PassThrough, pipeline, type Readable, type Writable } from "node:stream";
import type { StoreLocation, StoreUsage } from "@flarestack/protocol";
import { NfsClient, type NfsClientOptions } from "../nfs/client.ts";
import { MountError } from "../nfs/mount3.ts";
import { NFS3ERR, Nfs3Error } from "../nfs/nfs3.ts";
import { RpcError } from "../nfs/rpc.ts";
import { type Store, type StoreEntry, StoreError } from "./store.ts";

/** Client tuning (identity, timeouts, pipeline sizes); server and export come from the location. */
export type NfsStoreOptions = Omit<NfsClientOptions, "server" | "exportPath" | "mapError">;

export class NfsStore implements Store {
	readonly location: StoreLocation & { kind: "nfs" };
	readonly label: string;
	readonly #options: NfsStoreOptions;
	#client: Promise<NfsClient> | null = null;

	constructor(location: StoreLocation & { kind: "nfs" }, options: NfsStoreOptions = {}) {
		this.location = location;
		this.label = `nfs://${location.server}${location.path}`;
		this.#options = options;
	}

	/** Maps any failure to a StoreError naming this store. */
	toStoreError = (e: unknown): StoreError => {
		if (e instanceof StoreError) return e;
		if (e instanceof Nfs3Error && (e.status === NFS3ERR.NOSPC || e.status === NFS3ERR.DQUOT)) {
			return new StoreError("no_space", `${this.label} is full`);
		}
		if (e instanceof RpcError && (e.code === "unreachable" || e.code === "timeout" || e.code === "closed")) {
			return new StoreError("unreachable", `${this.label} is unreachable: ${e.message}`);
		}
		if (e instanceof MountError) return new StoreError("failed", `${this.label}: ${e.message}`);
		return new StoreError("failed", `${this.label}: ${(e as Error).message ?? String(e)}`);
	};

	#connect(): Promise<NfsClient> {
		this.#client ??= NfsClient.connect({
			...this.#options,
			server: this.location.server,
			exportPath: this.location.path,
			mapError: this.toStoreError,
		}).catch((e: unknown) => {
			this.#client = null; // the next call tries again
			throw e;
		});
		return this.#client;
	}

	async #run<T>(fn: (c: NfsClient) => Promise<T>): Promise<T> {
		try {
			return await fn(await this.#connect());
		} catch (e) {
			throw this.toStoreError(e);
		}
	}

	usage(): Promise<StoreUsage> {
		return this.#run(async (c) => {
			const s = await c.fsstat();
			return { capacityBytes: s.totalBytes, usedBytes: Math.max(0, s.totalBytes - s.freeBytes) };
		});
	}

	stat(path: string): Promise<StoreEntry | null> {
		return this.#run(async (c) => {
			const s = await c.stat(path);
			return s && { type: s.type === "directory" ? "directory" : "file", size: s.size };
		});
	}

	createWriteStream(path: string): Promise<Writable> {
		return this.#run((c) => c.createWriteStream(path));
	}

	/** `range.end` is inclusive, as fs.createReadStream's (and LocalStore's). */
	createReadStream(path: string, range?: { start?: number; end?: number }): Readable {
		const out = new PassThrough({ highWaterMark: 1024 * 1024 });
		this.#connect().then(
			(c) => {
				const end = range?.end === undefined ? undefined : range.end + 1;
				pipeline(c.createReadStream(path, range?.start ?? 0, end), out, () => {});
			},
			(e: unknown) => out.destroy(this.toStoreError(e)),
		);
		return out;
	}

	read(path: string, offset: number, length: number): Promise<Buffer> {
		return this.#run((c) => c.read(path, offset, length));
	}

	rename(from: string, to: string): Promise<void> {
		return this.#run((c) => c.rename(from, to));
	}

	remove(path: string): Promise<boolean> {
		return this.#run((c) => c.remove(path));
	}

	mkdirp(path: string): Promise<void> {
		return this.#run((c) => c.mkdirp(path));
	}

	/** qemu-block-extra's libnfs driver takes the export path and the file path in one URL. */
	qemuPath(path: string): string {
		return `nfs://${this.location.server}${this.location.path.replace(/\/+$/, "")}/${path}`;
	}

	async close(): Promise<void> {
		const client = this.#client;
		this.#client = null;
		if (client)
			await client.then(
				(c) => c.close(),
				() => {},
			);
	}
}
