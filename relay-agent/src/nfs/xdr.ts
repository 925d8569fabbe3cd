/**
 * @module XDR (RFC 4506), only the parts ONC RPC, MOUNT3 and NFS3 use: 32-bit words, 64-bit
 * hyper as two words, variable and fixed opaque data padded to 4 bytes, strings. Hand-written
 * because no maintained npm package speaks NFSv3 (the NFS client lives in relay-agent/src/nfs).
 */

/** Thrown when a reply is shorter than its shape says: the peer spoke something else. */
export class XdrError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "XdrError";
	}
}

const TWO_32 = 2 ** 32;

/** Builds one message; grows as needed. `bytes()` is a view, not a copy. */
export class XdrWriter {
	#buf: Buffer;
	#len = 0;

	constructor(initial = 256) {
		this.#buf = Buffer.allocUnsafe(initial);
	}

	#room(n: number): void {
		if (this.#len + n <= this.#buf.length) return;
		const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
		this.#buf.copy(next, 0, 0, this.#len);
		this.#buf = next;
	}

	get length(): number {
		return this.#len;
	}

	u32(v: number): this {
		this.#room(4);
		this.#buf.writeUInt32BE(v >>> 0, this.#len);
		this.#len += 4;
		return this;
	}

	bool(v: boolean): this {
		return this.u32(v ? 1 : 0);
	}

	/** An unsigned hyper from a safe integer (file sizes and offsets stay far below 2^53). */
	u64(v: number): this {
		if (!Number.isSafeInteger(v) || v < 0) throw new XdrError(`not a 64-bit unsigned value: ${v}`);
		return this.u32(Math.floor(v / TWO_32)).u32(v % TWO_32);
	}

	/** Fixed-length opaque (e.g. an 8-byte verifier or cookie): no length word. */
	fixed(data: Uint8Array): this {
		const padded = (data.length + 3) & ~3;
		this.#room(padded);
		this.#buf.set(data, this.#len);
		this.#buf.fill(0, this.#len + data.length, this.#len + padded);
		this.#len += padded;
		return this;
	}

	opaque(data: Uint8Array): this {
		return this.u32(data.length).fixed(data);
	}

	string(s: string): this {
		return this.opaque(Buffer.from(s, "utf8"));
	}

	bytes(): Buffer {
		return this.#buf.subarray(0, this.#len);
	}
}

/** Reads one message; opaque results are views into the message buffer. */
export class XdrReader {
	readonly #buf: Buffer;
	#pos: number;

	constructor(buf: Buffer, offset = 0) {
		this.#buf = buf;
		this.#pos = offset;
	}

	get remaining(): number {
		return this.#buf.length - this.#pos;
	}

	#need(n: number): void {
		if (this.#pos + n > this.#buf.length) {
			throw new XdrError(`XDR message ends early: need ${n} bytes at ${this.#pos} of ${this.#buf.length}`);
		}
	}

	u32(): number {
		this.#need(4);
		const v = this.#buf.readUInt32BE(this.#pos);
		this.#pos += 4;
		return v;
	}

	bool(): boolean {
		return this.u32() !== 0;
	}

	/** An unsigned hyper as a number (exact up to 2^53: byte counts; file ids may round, unused). */
	u64(): number {
		const hi = this.u32();
		return hi * TWO_32 + this.u32();
	}

	fixed(n: number): Buffer {
		const padded = (n + 3) & ~3;
		this.#need(padded);
		const out = this.#buf.subarray(this.#pos, this.#pos + n);
		this.#pos += padded;
		return out;
	}

	opaque(max = Number.MAX_SAFE_INTEGER): Buffer {
		const n = this.u32();
		if (n > max) throw new XdrError(`XDR opaque of ${n} bytes, at most ${max} allowed`);
		return this.fixed(n);
	}

	string(max?: number): string {
		return this.opaque(max).toString("utf8");
	}

	skip(n: number): void {
		this.#need(n);
		this.#pos += n;
	}
}
