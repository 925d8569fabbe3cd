/**
 * @module Streams over NFSv3 files. Writes are UNSTABLE and pipelined (several WRITEs in flight on
 * one connection, which is what makes a single TCP stream fast), then one COMMIT: `finish` is
 * emitted only once the server says the data is on its disk. Reads are pipelined the same way.
 */
import { Readable, Writable } from "node:stream";
import * as nfs3 from "./nfs3.ts";
import type { RpcConnection } from "./rpc.ts";

export interface PipelineOptions {
	/** Bytes per WRITE/READ (bounded by the server's wtmax/rtmax). */
	chunkBytes: number;
	/** Calls in flight at once. */
	inFlight: number;
	/** Turns an NFS or RPC error into what the store reports. */
	mapError: (e: unknown) => Error;
}

/** A live connection, reconnecting when the last one was closed. */
export type ConnectionSource = () => Promise<RpcConnection>;

/** An UNSTABLE-write, COMMIT-on-finish stream into an already created (empty) file. */
export class NfsWriteStream extends Writable {
	readonly #conn: ConnectionSource;
	readonly #fh: Buffer;
	readonly #options: PipelineOptions;
	readonly #commitTimeoutMs: number;
	readonly #inFlight = new Set<Promise<void>>();
	/**
	 * Data is copied into a few reused buffers: a writer may reuse its chunk once `write` called
	 * back, and warm buffers are much cheaper than a fresh 1 MiB allocation per WRITE.
	 */
	readonly #free: Buffer[] = [];
	#buf: Buffer | null = null;
	#fill = 0;
	#offset = 0;
	#verf: Buffer | null = null;
	#failure: Error | null = null;

	constructor(conn: ConnectionSource, fh: Buffer, options: PipelineOptions & { commitTimeoutMs: number }) {
		super({ highWaterMark: options.chunkBytes });
		this.#conn = conn;
		this.#fh = fh;
		this.#options = options;
		this.#commitTimeoutMs = options.commitTimeoutMs;
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.#take(chunk).then(() => callback(), callback);
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.#finish().then(() => callback(), callback);
	}

	async #take(chunk: Buffer): Promise<void> {
		let at = 0;
		while (at < chunk.length) {
			if (this.#failure) throw this.#failure;
			this.#buf ??= this.#free.pop() ?? Buffer.allocUnsafe(this.#options.chunkBytes);
			const n = chunk.copy(this.#buf, this.#fill, at);
			this.#fill += n;
			at += n;
			if (this.#fill === this.#options.chunkBytes) await this.#flush();
		}
	}

	/** Sends the filled buffer; waits for a slot when `inFlight` writes are already out. */
	async #flush(): Promise<void> {
		const buf = this.#buf;
		if (!buf || this.#fill === 0) return;
		const data = buf.subarray(0, this.#fill);
		const offset = this.#offset;
		this.#offset += this.#fill;
		this.#buf = null;
		this.#fill = 0;
		const p: Promise<void> = this.#send(offset, [data]).then(
			() => {
				this.#inFlight.delete(p);
				this.#free.push(buf);
			},
			(e: unknown) => {
				this.#inFlight.delete(p);
				this.#failure ??= this.#options.mapError(e);
			},
		);
		this.#inFlight.add(p);
		while (this.#inFlight.size >= this.#options.inFlight) await Promise.race(this.#inFlight);
		if (this.#failure) throw this.#failure;
	}

	/** One WRITE, repeated for the rest when the server took fewer bytes (allowed by RFC 1813). */
	async #send(offset: number, data: Buffer[]): Promise<void> {
		let rest = data;
		let at = offset;
		while (rest.length > 0) {
			const conn = await this.#conn();
			const r = await nfs3.write(conn, this.#fh, at, rest, nfs3.Stable.UNSTABLE);
			if (r.count === 0) throw new Error("the server accepted no bytes of a WRITE");
			this.#noteVerifier(r.verf);
			at += r.count;
			rest = dropBytes(rest, r.count);
		}
	}

	#noteVerifier(verf: Buffer): void {
		if (this.#verf === null) this.#verf = verf;
		else if (!this.#verf.equals(verf)) this.#failure ??= new Error("the NFS server restarted during the write");
	}

	async #finish(): Promise<void> {
		await this.#flush();
		await Promise.all(this.#inFlight);
		if (this.#failure) throw this.#failure;
		try {
			const verf = await nfs3.commit(await this.#conn(), this.#fh, this.#commitTimeoutMs);
			this.#noteVerifier(verf);
		} catch (e) {
			throw this.#options.mapError(e);
		}
		if (this.#failure) throw this.#failure;
	}
}

/** `parts` without its first `n` bytes. */
export function dropBytes(parts: readonly Buffer[], n: number): Buffer[] {
	const out: Buffer[] = [];
	let skip = n;
	for (const p of parts) {
		if (skip >= p.length) {
			skip -= p.length;
			continue;
		}
		out.push(skip > 0 ? p.subarray(skip) : p);
		skip = 0;
	}
	return out;
}

/**
 * A pipelined reader of `[start, end)` of a file of `size` bytes (clamped to it).
 */
export function nfsReadStream(
	conn: ConnectionSource,
	open: () => Promise<{ fh: Buffer; size: number }>,
	start: number,
	end: number,
	options: PipelineOptions,
): Readable {
	async function* chunks(): AsyncGenerator<Buffer> {
		const { fh, size } = await open();
		const stop = Math.min(end, size);
		const queue: { offset: number; count: number; reply: Promise<{ data: Buffer; eof: boolean }> }[] = [];
		let next = start;
		const issue = async (offset: number, count: number) => nfs3.read(await conn(), fh, offset, count);
		try {
			for (;;) {
				while (queue.length < options.inFlight && next < stop) {
					const count = Math.min(options.chunkBytes, stop - next);
					const reply = issue(next, count);
					reply.catch(() => {}); // awaited below; a stream destroyed early must not leave it unhandled
					queue.push({ offset: next, count, reply });
					next += count;
				}
				const head = queue.shift();
				if (!head) return;
				let { data, eof } = await head.reply;
				let got = data.length;
				if (got > 0) yield data;
				// A short read before the end: fetch the gap before the reads already queued behind it.
				while (got < head.count && !eof) {
					({ data, eof } = await issue(head.offset + got, head.count - got));
					if (data.length === 0) break;
					got += data.length;
					yield data;
				}
				if (got < head.count) return; // the file shrank while we read it
			}
		} catch (e) {
			throw options.mapError(e);
		}
	}
	return Readable.from(chunks(), { objectMode: false, highWaterMark: options.chunkBytes });
}
