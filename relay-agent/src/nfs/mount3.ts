/**
 * @module MOUNT v3 (RFC 1813 appendix I): MNT turns an export path into its root file handle, UMNT
 * tells the server we are done (bookkeeping only: the handle stays valid).
 */
import type { RpcConnection } from "./rpc.ts";
import { XdrWriter } from "./xdr.ts";

export const MOUNT_PROG = 100005;
export const MOUNT_VERS = 3;
const MOUNTPROC3_MNT = 1;
const MOUNTPROC3_UMNT = 3;

const MNT_ERRORS: Record<number, string> = {
	1: "not permitted",
	2: "no such export",
	5: "I/O error",
	13: "access denied",
	20: "not a directory",
	22: "invalid argument",
	63: "name too long",
	10004: "not supported",
	10006: "server fault",
};

/** A MNT that the server refused (e.g. the path is not exported). */
export class MountError extends Error {
	readonly status: number;
	constructor(status: number, exportPath: string) {
		super(`mount of ${exportPath} refused: ${MNT_ERRORS[status] ?? `status ${status}`}`);
		this.name = "MountError";
		this.status = status;
	}
}

/** The root file handle of `exportPath`. */
export async function mnt(conn: RpcConnection, exportPath: string): Promise<Buffer> {
	const r = await conn.call(MOUNT_PROG, MOUNT_VERS, MOUNTPROC3_MNT, [new XdrWriter().string(exportPath).bytes()]);
	const status = r.u32();
	if (status !== 0) throw new MountError(status, exportPath);
	return Buffer.from(r.opaque(64));
}

/** Tells the server the export is no longer mounted by us; errors are not interesting. */
export async function umnt(conn: RpcConnection, exportPath: string): Promise<void> {
	await conn.call(MOUNT_PROG, MOUNT_VERS, MOUNTPROC3_UMNT, [new XdrWriter().string(exportPath).bytes()]);
}
