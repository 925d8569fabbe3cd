/**
 * @module Portmapper v2 GETPORT (RFC 1833): where a server's mountd and nfsd listen over TCP.
 */
import { RpcConnection } from "./rpc.ts";
import { XdrWriter } from "./xdr.ts";

export const PORTMAP_PORT = 111;
const PMAP_PROG = 100000;
const PMAP_VERS = 2;
const PMAPPROC_GETPORT = 3;
const IPPROTO_TCP = 6;

/** The TCP port of `prog`/`vers` on `host`, or 0 when the portmapper knows none. */
export async function getPort(host: string, prog: number, vers: number, timeoutMs: number): Promise<number> {
	const conn = await RpcConnection.connect(host, PORTMAP_PORT, { timeoutMs });
	try {
		const args = new XdrWriter(16).u32(prog).u32(vers).u32(IPPROTO_TCP).u32(0).bytes();
		const r = await conn.call(PMAP_PROG, PMAP_VERS, PMAPPROC_GETPORT, [args]);
		return r.u32();
	} finally {
		conn.close();
	}
}
