/**
 * Test doubles for the template tests (no qemu-img, no NFS): a Store over a temporary directory,
 * a fake qemu-img that reads what it needs from the file itself, and a tiny HTTP server whose
 * routes a test writes.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Writable } from "node:stream";
import type { StoreLocation, StoreUsage } from "@flarestack/protocol";
import type { Store, StoreEntry } from "../../relay-agent/src/storage/store.ts";
import { qcow2Facts } from "../../relay-agent/src/templates/inspect.ts";
import type { QemuImgRunner } from "../../relay-agent/src/templates/qemu-img.ts";

export class DirStore implements Store {
	readonly location: StoreLocation;
	readonly label: string;
	readonly root: string;
	/** What usage() answers; a test makes the store "full" with it. */
	capacity = 1024 ** 4;
	closed = 0;

	constructor(root: string) {
		this.root = root;
		this.location = { kind: "local", path: root };
		this.label = root;
	}

	private full(p: string) {
		return path.join(this.root, p);
	}

	async usage(): Promise<StoreUsage> {
		return { capacityBytes: this.capacity, usedBytes: 0 };
	}

	async stat(p: string): Promise<StoreEntry | null> {
		try {
			const s = await stat(this.full(p));
			return { type: s.isDirectory() ? "directory" : "file", size: s.size };
		} catch {
			return null;
		}
	}

	async createWriteStream(p: string): Promise<Writable> {
		await mkdir(path.dirname(this.full(p)), { recursive: true });
		return createWriteStream(this.full(p), { mode: 0o644 });
	}

	createReadStream(p: string, range?: { start?: number; end?: number }) {
		return createReadStream(this.full(p), range);
	}

	async read(p: string, offset: number, length: number): Promise<Buffer> {
		const handle = await open(this.full(p), "r");
		try {
			const buffer = Buffer.alloc(length);
			const { bytesRead } = await handle.read(buffer, 0, length, offset);
			return buffer.subarray(0, bytesRead);
		} finally {
			await handle.close();
		}
	}

	async rename(from: string, to: string): Promise<void> {
		await rename(this.full(from), this.full(to));
	}

	async remove(p: string): Promise<boolean> {
		const there = (await this.stat(p)) !== null;
		await rm(this.full(p), { recursive: true, force: true });
		return there;
	}

	async mkdirp(p: string): Promise<void> {
		await mkdir(this.full(p), { recursive: true });
	}

	qemuPath(p: string): string {
		return this.full(p);
	}

	async close(): Promise<void> {
		this.closed++;
	}
}

/** A qcow2 header (version 3) for `virtualSize`, optionally naming a backing file or a data file. */
export function qcow2Header(virtualSize: number, extra: { backing?: string; dataFile?: string } = {}): Buffer {
	const header = Buffer.alloc(4096);
	header.writeUInt32BE(0x514649fb, 0);
	header.writeUInt32BE(3, 4);
	header.writeBigUInt64BE(BigInt(virtualSize), 24);
	header.writeUInt32BE(16, 20); // cluster bits
	header.writeUInt32BE(104, 100); // header length
	if (extra.backing) {
		header.writeBigUInt64BE(512n, 8);
		header.writeUInt32BE(extra.backing.length, 16);
		header.write(extra.backing, 512);
	}
	if (extra.dataFile) {
		header.writeBigUInt64BE(4n, 72);
		header.writeUInt32BE(0x44415441, 104);
		header.writeUInt32BE(extra.dataFile.length, 108);
		header.write(extra.dataFile, 112);
	}
	return header;
}

/** An ISO-looking file: "CD001" at 32769. */
export function isoBytes(size = 40_000): Buffer {
	const bytes = Buffer.alloc(size, 7);
	bytes.write("CD001", 32769, "latin1");
	return bytes;
}

/**
 * A fake qemu-img: `info` says qcow2 for a file with the qcow2 magic (sizes and backing file from its
 * header), raw otherwise; `convert` copies, `create` writes a qcow2 header. Every call is recorded.
 */
export function fakeQemuImg(calls: string[][] = [], delayMs = 0): QemuImgRunner {
	return async (args) => {
		calls.push(args);
		if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
		const [command] = args;
		const file = args.at(-1) ?? "";
		if (command === "info") {
			const facts = qcow2Facts(await readFile(file));
			const { size } = await stat(file);
			return JSON.stringify({
				format: facts ? "qcow2" : "raw",
				"virtual-size": facts ? facts.virtualSize : size,
				"actual-size": size,
				...(facts?.backing ? { "backing-filename": facts.backing } : {}),
			});
		}
		if (command === "convert") {
			await copyFile(args.at(-2) ?? "", file);
			return "";
		}
		if (command === "create") {
			const at = args.indexOf("-b");
			const [backing = "", target = "", size] = args.slice(at + 1);
			const base = qcow2Facts(await readFile(path.resolve(path.dirname(target), backing)));
			await writeFile(target, qcow2Header(size ? Number(size) : (base?.virtualSize ?? 0), { backing }));
			return "";
		}
		throw new Error(`fake qemu-img: ${command}`);
	};
}

export type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** An HTTP server on 127.0.0.1 with routes by path. */
export async function serve(
	routes: Record<string, Route>,
): Promise<{ url: string; close: () => Promise<void>; hits: Record<string, http.IncomingHttpHeaders[]> }> {
	const hits: Record<string, http.IncomingHttpHeaders[]> = {};
	const server = http.createServer((request, response) => {
		const route = routes[request.url ?? ""];
		const key = request.url ?? "";
		hits[key] = [...(hits[key] ?? []), request.headers];
		if (!route) {
			response.writeHead(404).end();
			return;
		}
		route(request, response);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		hits,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Serves `body` with Range support (206 + Content-Range) when `ranges` is set. */
export function file(body: Buffer, options: { ranges?: boolean; stallAt?: number; stallOnce?: boolean } = {}): Route {
	let stalled = false;
	return (request, response) => {
		let start = 0;
		const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
		if (options.ranges && range) start = Number(range[1]);
		const headers: http.OutgoingHttpHeaders = { "Content-Length": body.length - start, ETag: '"v1"' };
		if (options.ranges) headers["Accept-Ranges"] = "bytes";
		if (start > 0) headers["Content-Range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
		response.writeHead(start > 0 ? 206 : 200, headers);
		const stallAt = options.stallAt;
		if (stallAt !== undefined && start < stallAt && !(options.stallOnce && stalled)) {
			stalled = true;
			response.write(body.subarray(start, stallAt)); // then nothing: a stall
			return;
		}
		response.end(body.subarray(start));
	};
}
