/**
 * @module ONC RPC v2 (RFC 5531) over one TCP connection: record marking (RFC 5531 §11), AUTH_SYS
 * credentials, calls matched to replies by xid so many can be in flight (the NFS write pipeline
 * relies on that), a timeout per call. A call that times out closes the connection: over TCP a
 * server that stays silent that long is stuck, and the owner reconnects.
 */
import net from "node:net";
import { XdrReader, XdrWriter } from "./xdr.ts";

export type RpcFailure = "unreachable" | "timeout" | "closed" | "rejected" | "protocol";

/** A call that got no usable reply; `code` tells the store how to report it. */
export class RpcError extends Error {
	readonly code: RpcFailure;
	constructor(code: RpcFailure, message: string) {
		super(message);
		this.name = "RpcError";
		this.code = code;
	}
}

/** AUTH_SYS identity sent with every call (no_root_squash exports treat uid 0 as root). */
export interface RpcAuth {
	uid: number;
	gid: number;
	machineName?: string;
}

/** The largest reply accepted: a 1 MiB READ plus headers, with room to spare. */
const MAX_RECORD = 16 * 1024 * 1024;
const LAST_FRAGMENT = 0x80000000;

/** Reassembles record-marked fragments from TCP chunks into whole RPC messages. */
export class RecordReader {
	#chunks: Buffer[] = [];
	#buffered = 0;
	#fragments: Buffer[] = [];
	#fragmentsLength = 0;
	#need = -1;
	#last = false;

	/** Feeds bytes; returns the messages completed by them (possibly none). Throws on a bad mark. */
	push(chunk: Buffer): Buffer[] {
		this.#chunks.push(chunk);
		this.#buffered += chunk.length;
		const out: Buffer[] = [];
		for (;;) {
			if (this.#need < 0) {
				if (this.#buffered < 4) break;
				const mark = this.#take(4).readUInt32BE(0);
				this.#last = (mark & LAST_FRAGMENT) !== 0;
				this.#need = mark & 0x7fffffff;
				if (this.#fragmentsLength + this.#need > MAX_RECORD) {
					throw new RpcError("protocol", `an RPC record of more than ${MAX_RECORD} bytes`);
				}
			}
			if (this.#buffered < this.#need) break;
			const fragment = this.#take(this.#need);
			this.#need = -1;
			this.#fragments.push(fragment);
			this.#fragmentsLength += fragment.length;
			if (this.#last) {
				const frags = this.#fragments;
				out.push(frags.length === 1 ? (frags[0] as Buffer) : Buffer.concat(frags));
				this.#fragments = [];
				this.#fragmentsLength = 0;
			}
		}
		return out;
	}

	#take(n: number): Buffer {
		const first = this.#chunks[0];
		if (first && first.length >= n) {
			this.#buffered -= n;
			if (first.length === n) this.#chunks.shift();
			else this.#chunks[0] = first.subarray(n);
			return first.subarray(0, n);
		}
		const out = Buffer.allocUnsafe(n);
		let filled = 0;
		while (filled < n) {
			const c = this.#chunks[0] as Buffer;
			const used = Math.min(c.length, n - filled);
			c.copy(out, filled, 0, used);
			filled += used;
			if (used === c.length) this.#chunks.shift();
			else this.#chunks[0] = c.subarray(used);
		}
		this.#buffered -= n;
		return out;
	}
}

/** The 4-byte record mark of a single-fragment record of `length` bytes. */
export function recordMark(length: number): Buffer {
	const b = Buffer.allocUnsafe(4);
	b.writeUInt32BE((LAST_FRAGMENT | length) >>> 0, 0);
	return b;
}

export interface RpcConnectOptions {
	timeoutMs: number;
	auth?: RpcAuth;
}

interface Pending {
	resolve(r: XdrReader): void;
	reject(e: Error): void;
	timer: NodeJS.Timeout;
	what: string;
}

const AUTH_NONE = 0;
const AUTH_SYS = 1;

/** One TCP connection to one RPC service. */
export class RpcConnection {
	readonly #socket: net.Socket;
	readonly #label: string;
	readonly #cred: Buffer;
	readonly #defaultTimeoutMs: number;
	readonly #pending = new Map<number, Pending>();
	readonly #records = new RecordReader();
	#xid = Math.floor(Math.random() * 0xffffffff);
	#closed: RpcError | null = null;

	private constructor(socket: net.Socket, label: string, options: RpcConnectOptions) {
		this.#socket = socket;
		this.#label = label;
		this.#defaultTimeoutMs = options.timeoutMs;
		this.#cred = authSys(options.auth);
		socket.on("data", (chunk: Buffer) => this.#onData(chunk));
		socket.on("error", (e) => this.#fail(new RpcError("closed", `${label}: ${e.message}`)));
		socket.on("close", () => this.#fail(new RpcError("closed", `${label} closed the connection`)));
	}

	/** Connects to `host:port`; refused or silent past `timeoutMs` → RpcError "unreachable". */
	static connect(host: string, port: number, options: RpcConnectOptions): Promise<RpcConnection> {
		const label = `${host}:${port}`;
		return new Promise((resolve, reject) => {
			const socket = net.connect({ host, port, noDelay: true });
			const timer = setTimeout(() => {
				socket.destroy();
				reject(new RpcError("unreachable", `${label} did not accept a connection in ${options.timeoutMs} ms`));
			}, options.timeoutMs);
			socket.once("error", (e: NodeJS.ErrnoException) => {
				clearTimeout(timer);
				const why = e.code === "ECONNREFUSED" ? "connection refused" : e.message;
				reject(new RpcError("unreachable", `${label}: ${why}`));
			});
			socket.once("connect", () => {
				clearTimeout(timer);
				socket.removeAllListeners("error");
				socket.setKeepAlive(true, 30_000);
				resolve(new RpcConnection(socket, label, options));
			});
		});
	}

	get closed(): boolean {
		return this.#closed !== null;
	}

	/**
	 * Calls `prog.vers.proc` with `args` (encoded XDR; several buffers are sent back to back, so a
	 * WRITE's data is never copied); resolves with a reader at the procedure's results.
	 */
	call(prog: number, vers: number, proc: number, args: readonly Uint8Array[], timeoutMs?: number): Promise<XdrReader> {
		if (this.#closed) return Promise.reject(this.#closed);
		this.#xid = (this.#xid + 1) >>> 0;
		const xid = this.#xid;
		const head = new XdrWriter(128).u32(xid).u32(0).u32(2).u32(prog).u32(vers).u32(proc);
		head.fixed(this.#cred).u32(AUTH_NONE).u32(0);
		const header = head.bytes();
		let length = header.length;
		for (const a of args) length += a.length;
		const what = `RPC ${prog}.${vers}.${proc} to ${this.#label}`;
		return new Promise((resolve, reject) => {
			const ms = timeoutMs ?? this.#defaultTimeoutMs;
			const timer = setTimeout(() => {
				this.#pending.delete(xid);
				const err = new RpcError("timeout", `${what}: no reply in ${ms} ms`);
				reject(err);
				this.#fail(err);
			}, ms);
			this.#pending.set(xid, { resolve, reject, timer, what });
			this.#socket.cork();
			this.#socket.write(recordMark(length));
			this.#socket.write(header);
			for (const a of args) this.#socket.write(a);
			this.#socket.uncork();
		});
	}

	close(): void {
		this.#fail(new RpcError("closed", `${this.#label}: connection closed by the client`));
	}

	#onData(chunk: Buffer): void {
		let messages: Buffer[];
		try {
			messages = this.#records.push(chunk);
		} catch (e) {
			this.#fail(e instanceof RpcError ? e : new RpcError("protocol", String(e)));
			return;
		}
		for (const m of messages) this.#onReply(m);
	}

	#onReply(message: Buffer): void {
		const r = new XdrReader(message);
		let xid: number;
		try {
			xid = r.u32();
			if (r.u32() !== 1) return; // a CALL from the server: none are expected, ignore it
		} catch {
			return;
		}
		const p = this.#pending.get(xid);
		if (!p) return; // late reply to a call that timed out
		this.#pending.delete(xid);
		clearTimeout(p.timer);
		try {
			const replyStat = r.u32();
			if (replyStat !== 0) {
				const rejectStat = r.u32();
				const why = rejectStat === 0 ? "RPC version mismatch" : `authentication error ${r.u32()}`;
				p.reject(new RpcError("rejected", `${p.what} denied: ${why}`));
				return;
			}
			r.u32(); // verifier flavor
			r.opaque(400);
			const acceptStat = r.u32();
			if (acceptStat === 0) {
				p.resolve(r);
				return;
			}
			const names = [
				"",
				"program unavailable",
				"program version mismatch",
				"procedure unavailable",
				"garbage arguments",
				"system error",
			];
			p.reject(new RpcError("rejected", `${p.what}: ${names[acceptStat] ?? `accept_stat ${acceptStat}`}`));
		} catch (e) {
			p.reject(new RpcError("protocol", `${p.what}: ${(e as Error).message}`));
		}
	}

	#fail(err: RpcError): void {
		if (this.#closed) return;
		this.#closed = err;
		for (const p of this.#pending.values()) {
			clearTimeout(p.timer);
			p.reject(err);
		}
		this.#pending.clear();
		this.#socket.destroy();
	}
}

/** AUTH_SYS opaque_auth (flavor + body), RFC 5531 appendix A. */
function authSys(auth: RpcAuth | undefined): Buffer {
	if (!auth) return new XdrWriter(8).u32(AUTH_NONE).u32(0).bytes();
	const body = new XdrWriter(64)
		.u32(Math.floor(Date.now() / 1000))
		.string((auth.machineName ?? "flarestack-relay").slice(0, 255))
		.u32(auth.uid)
		.u32(auth.gid)
		.u32(1)
		.u32(auth.gid)
		.bytes();
	return Buffer.from(new XdrWriter(body.length + 8).u32(AUTH_SYS).opaque(body).bytes());
}
