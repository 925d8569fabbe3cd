/**
 * @module NFS version 3 procedures (RFC 1813), typed, one function each, only the fields the
 * agent needs decoded. Every function takes the connection so the client can swap it after a
 * reconnect (NFSv3 handles survive that).
 */
import type { RpcConnection } from "./rpc.ts";
import { type XdrReader, XdrWriter } from "./xdr.ts";

export const NFS_PROG = 100003;
export const NFS_VERS = 3;
export const NFS_PORT = 2049;

/** The nfsstat3 values the client reacts to (RFC 1813 §2.6). */
export const NFS3ERR = {
	PERM: 1,
	NOENT: 2,
	IO: 5,
	ACCES: 13,
	EXIST: 17,
	NOTDIR: 20,
	ISDIR: 21,
	INVAL: 22,
	FBIG: 27,
	NOSPC: 28,
	ROFS: 30,
	NAMETOOLONG: 63,
	NOTEMPTY: 66,
	DQUOT: 69,
	STALE: 70,
	BADHANDLE: 10001,
	NOTSUPP: 10004,
	SERVERFAULT: 10006,
	JUKEBOX: 10008,
} as const;

const STATUS_TEXT: Record<number, string> = {
	1: "not permitted",
	2: "no such file or directory",
	5: "I/O error",
	13: "permission denied",
	17: "already exists",
	20: "not a directory",
	21: "is a directory",
	22: "invalid argument",
	27: "file too large",
	28: "no space left on the server",
	30: "read-only file system",
	63: "name too long",
	66: "directory not empty",
	69: "quota exceeded",
	70: "stale file handle",
	10001: "bad file handle",
	10004: "operation not supported",
	10006: "server fault",
	10008: "server busy, try later",
};

/** An NFS procedure that answered with a non-OK status. */
export class Nfs3Error extends Error {
	readonly status: number;
	constructor(status: number, what: string) {
		super(`${what}: ${STATUS_TEXT[status] ?? `NFS3 status ${status}`}`);
		this.name = "Nfs3Error";
		this.status = status;
	}
}

export const FileType = { REG: 1, DIR: 2, LNK: 5 } as const;

export interface Attr {
	type: number;
	mode: number;
	size: number;
	/** Bytes the file takes on the server's disk. */
	used: number;
}

const PROC = {
	GETATTR: 1,
	LOOKUP: 3,
	READ: 6,
	WRITE: 7,
	CREATE: 8,
	MKDIR: 9,
	REMOVE: 12,
	RMDIR: 13,
	RENAME: 14,
	READDIRPLUS: 17,
	FSSTAT: 18,
	FSINFO: 19,
	COMMIT: 21,
} as const;

export const Stable = { UNSTABLE: 0, DATA_SYNC: 1, FILE_SYNC: 2 } as const;

function call(conn: RpcConnection, proc: number, args: readonly Uint8Array[], timeoutMs?: number): Promise<XdrReader> {
	return conn.call(NFS_PROG, NFS_VERS, proc, args, timeoutMs);
}

function check(r: XdrReader, what: string): void {
	const status = r.u32();
	if (status !== 0) throw new Nfs3Error(status, what);
}

function readFattr(r: XdrReader): Attr {
	const type = r.u32();
	const mode = r.u32();
	r.skip(12); // nlink, uid, gid
	const size = r.u64();
	const used = r.u64();
	r.skip(8 + 8 + 8 + 24); // rdev, fsid, fileid, atime/mtime/ctime
	return { type, mode, size, used };
}

function postOpAttr(r: XdrReader): Attr | null {
	return r.bool() ? readFattr(r) : null;
}

function postOpFh(r: XdrReader): Buffer | null {
	return r.bool() ? Buffer.from(r.opaque(64)) : null;
}

function skipWcc(r: XdrReader): void {
	if (r.bool()) r.skip(24); // pre_op_attr: size, mtime, ctime
	postOpAttr(r);
}

/** sattr3 with mode and/or size set, times left to the server. */
function sattr(w: XdrWriter, set: { mode?: number; size?: number }): XdrWriter {
	w.bool(set.mode !== undefined);
	if (set.mode !== undefined) w.u32(set.mode);
	w.bool(false).bool(false); // uid, gid
	w.bool(set.size !== undefined);
	if (set.size !== undefined) w.u64(set.size);
	return w.u32(0).u32(0); // atime, mtime: DONT_CHANGE
}

function dirop(dir: Buffer, name: string): XdrWriter {
	return new XdrWriter(dir.length + name.length + 16).opaque(dir).string(name);
}

export async function getattr(conn: RpcConnection, fh: Buffer): Promise<Attr> {
	const r = await call(conn, PROC.GETATTR, [new XdrWriter().opaque(fh).bytes()]);
	check(r, "GETATTR");
	return readFattr(r);
}

export async function lookup(
	conn: RpcConnection,
	dir: Buffer,
	name: string,
): Promise<{ fh: Buffer; attr: Attr | null }> {
	const r = await call(conn, PROC.LOOKUP, [dirop(dir, name).bytes()]);
	check(r, `LOOKUP ${name}`);
	const fh = Buffer.from(r.opaque(64));
	return { fh, attr: postOpAttr(r) };
}

export async function read(
	conn: RpcConnection,
	fh: Buffer,
	offset: number,
	count: number,
): Promise<{ data: Buffer; eof: boolean }> {
	const r = await call(conn, PROC.READ, [new XdrWriter().opaque(fh).u64(offset).u32(count).bytes()]);
	check(r, "READ");
	postOpAttr(r);
	r.u32(); // count, repeated by the opaque's length
	const eof = r.bool();
	return { data: r.opaque(), eof };
}

/** WRITE `data` (one or more buffers, sent as they are: no copy) at `offset`. */
export async function write(
	conn: RpcConnection,
	fh: Buffer,
	offset: number,
	data: readonly Buffer[],
	stable: number,
): Promise<{ count: number; verf: Buffer }> {
	let length = 0;
	for (const d of data) length += d.length;
	const head = new XdrWriter().opaque(fh).u64(offset).u32(length).u32(stable).u32(length).bytes();
	const pad = (4 - (length % 4)) % 4;
	const args: Uint8Array[] = [head, ...data];
	if (pad) args.push(Buffer.alloc(pad));
	const r = await call(conn, PROC.WRITE, args);
	check(r, "WRITE");
	skipWcc(r);
	const count = r.u32();
	r.u32(); // committed
	return { count, verf: Buffer.from(r.fixed(8)) };
}

/** CREATE UNCHECKED (replaces and truncates with size 0) or GUARDED (fails when it exists). */
export async function create(
	conn: RpcConnection,
	dir: Buffer,
	name: string,
	how: "unchecked" | "guarded",
	set: { mode: number; size?: number },
): Promise<Buffer | null> {
	const w = dirop(dir, name).u32(how === "unchecked" ? 0 : 1);
	const r = await call(conn, PROC.CREATE, [sattr(w, set).bytes()]);
	check(r, `CREATE ${name}`);
	return postOpFh(r);
}

export async function mkdir(conn: RpcConnection, dir: Buffer, name: string, mode: number): Promise<Buffer | null> {
	const r = await call(conn, PROC.MKDIR, [sattr(dirop(dir, name), { mode }).bytes()]);
	check(r, `MKDIR ${name}`);
	return postOpFh(r);
}

export async function remove(conn: RpcConnection, dir: Buffer, name: string): Promise<void> {
	check(await call(conn, PROC.REMOVE, [dirop(dir, name).bytes()]), `REMOVE ${name}`);
}

export async function rmdir(conn: RpcConnection, dir: Buffer, name: string): Promise<void> {
	check(await call(conn, PROC.RMDIR, [dirop(dir, name).bytes()]), `RMDIR ${name}`);
}

export async function rename(
	conn: RpcConnection,
	fromDir: Buffer,
	from: string,
	toDir: Buffer,
	to: string,
): Promise<void> {
	const w = dirop(fromDir, from).opaque(toDir).string(to);
	check(await call(conn, PROC.RENAME, [w.bytes()]), `RENAME ${from} to ${to}`);
}

export interface DirEntry {
	name: string;
	fh: Buffer | null;
	attr: Attr | null;
}

/** One READDIRPLUS page; pass the returned cookie and verifier back for the next one. */
export async function readdirplus(
	conn: RpcConnection,
	dir: Buffer,
	cookie: Buffer,
	verf: Buffer,
): Promise<{ entries: (DirEntry & { cookie: Buffer })[]; eof: boolean; verf: Buffer }> {
	const w = new XdrWriter()
		.opaque(dir)
		.fixed(cookie)
		.fixed(verf)
		.u32(16 * 1024)
		.u32(64 * 1024);
	const r = await call(conn, PROC.READDIRPLUS, [w.bytes()]);
	check(r, "READDIRPLUS");
	postOpAttr(r);
	const nextVerf = Buffer.from(r.fixed(8));
	const entries: (DirEntry & { cookie: Buffer })[] = [];
	while (r.bool()) {
		r.skip(8); // fileid
		const name = r.string(4096);
		const entryCookie = Buffer.from(r.fixed(8));
		const attr = postOpAttr(r);
		entries.push({ name, cookie: entryCookie, attr, fh: postOpFh(r) });
	}
	return { entries, eof: r.bool(), verf: nextVerf };
}

export async function fsstat(
	conn: RpcConnection,
	root: Buffer,
): Promise<{ totalBytes: number; freeBytes: number; availBytes: number }> {
	const r = await call(conn, PROC.FSSTAT, [new XdrWriter().opaque(root).bytes()]);
	check(r, "FSSTAT");
	postOpAttr(r);
	return { totalBytes: r.u64(), freeBytes: r.u64(), availBytes: r.u64() };
}

/** The server's preferred and largest READ/WRITE sizes. */
export async function fsinfo(
	conn: RpcConnection,
	root: Buffer,
): Promise<{ rtmax: number; rtpref: number; wtmax: number; wtpref: number }> {
	const r = await call(conn, PROC.FSINFO, [new XdrWriter().opaque(root).bytes()]);
	check(r, "FSINFO");
	postOpAttr(r);
	const rtmax = r.u32();
	const rtpref = r.u32();
	r.u32(); // rtmult
	return { rtmax, rtpref, wtmax: r.u32(), wtpref: r.u32() };
}

/** COMMIT the whole file; resolves with the write verifier (a change means the server rebooted). */
export async function commit(conn: RpcConnection, fh: Buffer, timeoutMs?: number): Promise<Buffer> {
	const r = await call(conn, PROC.COMMIT, [new XdrWriter().opaque(fh).u64(0).u32(0).bytes()], timeoutMs);
	check(r, "COMMIT");
	skipWcc(r);
	return Buffer.from(r.fixed(8));
}
