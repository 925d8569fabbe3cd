/**
 * @module The `.part` file a template is written into, hashing as it goes (sha256 always, plus the
 * algorithm the checksum was declared with), so the bytes are read once. The same writer serves a
 * download and `template import`. A restart from byte 0 replaces the file and starts new hashes.
 */
import { createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Checksum } from "@flarestack/protocol";
import { type Store, StoreError } from "../storage/store.ts";

export class PartFile {
	readonly store: Store;
	readonly path: string;
	readonly partPath: string;
	private readonly algorithm: Checksum["algorithm"] | undefined;
	private stream: Writable | undefined;
	private failure: Error | undefined;
	private sha256: Hash = createHash("sha256");
	private declared: Hash | undefined;
	/** Bytes written so far. */
	bytes = 0;

	constructor(store: Store, path: string, algorithm?: Checksum["algorithm"]) {
		this.store = store;
		this.path = path;
		this.partPath = `${path}.part`;
		this.algorithm = algorithm;
	}

	/** (Re)starts the file empty. */
	async open(): Promise<void> {
		if (this.stream) await this.end().catch(() => {});
		this.failure = undefined;
		this.bytes = 0;
		this.sha256 = createHash("sha256");
		this.declared = this.algorithm && this.algorithm !== "sha256" ? createHash(this.algorithm) : undefined;
		const parent = this.partPath.includes("/") ? this.partPath.slice(0, this.partPath.lastIndexOf("/")) : "";
		let stream: Writable;
		try {
			if (parent) await this.store.mkdirp(parent);
			stream = await this.store.createWriteStream(this.partPath);
		} catch (error) {
			throw this.storeError(error as Error);
		}
		// A store error while nobody awaits must not become an unhandled 'error' event.
		stream.on("error", (error) => {
			this.failure ??= this.storeError(error);
		});
		this.stream = stream;
	}

	/** The store's error, once the write stream failed (e.g. no space). */
	get error(): Error | undefined {
		return this.failure;
	}

	/** Writes `chunk`, waiting when the store is behind. */
	async write(chunk: Buffer): Promise<void> {
		const stream = this.stream;
		if (!stream) throw new Error("the part file is not open");
		if (this.failure) throw this.failure;
		this.sha256.update(chunk);
		this.declared?.update(chunk);
		this.bytes += chunk.length;
		if (!stream.write(chunk)) await this.settled(once(stream, "drain"));
		if (this.failure) throw this.failure;
	}

	/** Ends the file; resolves when the store has it (finish = committed). */
	async end(): Promise<void> {
		const stream = this.stream;
		this.stream = undefined;
		if (!stream) return;
		if (this.failure) throw this.failure;
		stream.end();
		await this.settled(once(stream, "finish"));
		if (this.failure) throw this.failure;
	}

	/** Waits for `event`; a failure on the way is the store's. */
	private async settled(event: Promise<unknown>): Promise<void> {
		try {
			await event;
		} catch (error) {
			throw this.failure ?? this.storeError(error as Error);
		}
	}

	/** Any write failure as a StoreError, so it is never taken for a network failure and retried. */
	private storeError(error: Error): StoreError {
		if (error instanceof StoreError) return error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === "ENOSPC" || code === "EDQUOT") {
			return new StoreError("no_space", `secondary storage ${this.store.label} is full (while writing ${this.path})`);
		}
		return new StoreError("failed", `cannot write ${this.store.label}/${this.partPath}: ${error.message}`);
	}

	/** The hex digests: sha256 and, when declared, the checksum's own algorithm. */
	digests(): { sha256: string; declared?: string } {
		const sha256 = this.sha256.copy().digest("hex");
		if (!this.algorithm) return { sha256 };
		return { sha256, declared: this.declared ? this.declared.copy().digest("hex") : sha256 };
	}

	/** Drops the stream and removes `path.part` and `path` (a failure leaves nothing behind). */
	async discard(): Promise<void> {
		this.stream?.destroy();
		this.stream = undefined;
		await this.store.remove(this.partPath).catch(() => false);
		await this.store.remove(this.path).catch(() => false);
	}
}

/** A checksum mismatch, naming both. */
export function checksumProblem(expected: Checksum | undefined, digests: { declared?: string }): string | undefined {
	if (!expected || digests.declared === expected.hex) return undefined;
	return `checksum mismatch: expected ${expected.algorithm} ${expected.hex}, got ${digests.declared}`;
}
