import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RecordReader, RpcConnection, RpcError, recordMark } from "../../relay-agent/src/nfs/rpc.ts";
import { dropBytes } from "../../relay-agent/src/nfs/streams.ts";
import { XdrReader, XdrWriter } from "../../relay-agent/src/nfs/xdr.ts";

function fragment(data: Buffer, last: boolean): Buffer {
	const mark = Buffer.alloc(4);
	mark.writeUInt32BE(((last ? 0x80000000 : 0) | data.length) >>> 0);
	return Buffer.concat([mark, data]);
}

describe("RPC record marking", () => {
	it("reassembles records split at any byte and made of several fragments", () => {
		const stream = Buffer.concat([
			fragment(Buffer.from("hello "), false),
			fragment(Buffer.from("world"), true),
			fragment(Buffer.from("second"), true),
		]);
		for (let step = 1; step <= stream.length; step++) {
			const reader = new RecordReader();
			const out: string[] = [];
			for (let i = 0; i < stream.length; i += step) {
				for (const m of reader.push(stream.subarray(i, i + step))) out.push(m.toString());
			}
			expect(out).toEqual(["hello world", "second"]);
		}
	});

	it("marks a single-fragment record as the last one", () => {
		expect([...recordMark(5)]).toEqual([0x80, 0, 0, 5]);
	});

	it("refuses a record larger than 16 MiB", () => {
		const mark = Buffer.alloc(4);
		mark.writeUInt32BE((0x80000000 | (17 * 1024 * 1024)) >>> 0);
		expect(() => new RecordReader().push(mark)).toThrow(RpcError);
	});
});

describe("dropBytes", () => {
	it("drops whole and partial buffers from the front", () => {
		const parts = [Buffer.from("abc"), Buffer.from("defg")];
		expect(dropBytes(parts, 0).map(String)).toEqual(["abc", "defg"]);
		expect(dropBytes(parts, 4).map(String)).toEqual(["efg"]);
		expect(dropBytes(parts, 7)).toEqual([]);
	});
});

/** An RPC server: answers each CALL with the messages `reply(xid, args)` returns (none: silence). */
function useServer(reply: (xid: number, call: XdrReader) => Buffer[]) {
	const server = net.createServer((socket) => {
		const records = new RecordReader();
		socket.on("data", (chunk) => {
			for (const m of records.push(chunk)) {
				const r = new XdrReader(m);
				const xid = r.u32();
				for (const answer of reply(xid, r)) socket.write(Buffer.concat([recordMark(answer.length), answer]));
			}
		});
		socket.on("error", () => {});
	});
	return new Promise<{ port: number; server: net.Server }>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as net.AddressInfo).port, server })),
	);
}

const servers: net.Server[] = [];
afterEach(() => {
	for (const s of servers.splice(0)) s.close();
});

describe("RpcConnection", () => {
	it("sends AUTH_SYS calls and matches replies to calls by xid, in any order", async () => {
		const held: { xid: number; value: number }[] = [];
		const { port, server } = await useServer((xid, r) => {
			r.u32(); // CALL
			expect(r.u32()).toBe(2);
			const [prog, vers, proc] = [r.u32(), r.u32(), r.u32()];
			expect([prog, vers]).toEqual([100003, 3]);
			expect(r.u32()).toBe(1); // AUTH_SYS
			held.push({ xid, value: proc * 10 });
			if (held.length < 2) return [];
			// answer both, the second call first
			return held
				.reverse()
				.map((h) => new XdrWriter().u32(h.xid).u32(1).u32(0).u32(0).u32(0).u32(0).u32(h.value).bytes());
		});
		servers.push(server);
		const conn = await RpcConnection.connect("127.0.0.1", port, { timeoutMs: 2000, auth: { uid: 0, gid: 0 } });
		const [a, b] = await Promise.all([conn.call(100003, 3, 1, []), conn.call(100003, 3, 2, [])]);
		expect(a.u32()).toBe(10);
		expect(b.u32()).toBe(20);
		conn.close();
	});

	it("reports a refused connection as unreachable", async () => {
		const { port, server } = await useServer(() => []);
		await new Promise((r) => server.close(r));
		await expect(RpcConnection.connect("127.0.0.1", port, { timeoutMs: 2000 })).rejects.toMatchObject({
			code: "unreachable",
			message: expect.stringMatching(/connection refused/),
		});
	});

	it("fails a call with no reply in time and closes the connection", async () => {
		const { port, server } = await useServer(() => []);
		servers.push(server);
		const conn = await RpcConnection.connect("127.0.0.1", port, { timeoutMs: 2000 });
		await expect(conn.call(100003, 3, 0, [], 100)).rejects.toMatchObject({ code: "timeout" });
		expect(conn.closed).toBe(true);
		await expect(conn.call(100003, 3, 0, [])).rejects.toBeInstanceOf(RpcError);
	});

	it("turns a denied or unavailable program into a rejected call", async () => {
		const { port, server } = await useServer((xid) => [
			new XdrWriter().u32(xid).u32(1).u32(0).u32(0).u32(0).u32(1).bytes(),
		]);
		servers.push(server);
		const conn = await RpcConnection.connect("127.0.0.1", port, { timeoutMs: 2000 });
		await expect(conn.call(100005, 3, 1, [])).rejects.toMatchObject({
			code: "rejected",
			message: expect.stringMatching(/program unavailable/),
		});
		conn.close();
	});
});
