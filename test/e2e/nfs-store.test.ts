/**
 * The agent's stores on real storage: NfsStore (its own NFSv3 client) against an nfs-ganesha this
 * file starts (test/e2e/lab.sh nfs / nfs-down), and LocalStore on a plain directory, through the
 * same cases. The exported directories are local, so what the NFS client wrote is checked on disk.
 * Needs root (ganesha, a loop device for the 48 MiB `tiny` export).
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStore } from "../../relay-agent/src/storage/local-store.ts";
import { NfsStore } from "../../relay-agent/src/storage/nfs-store.ts";
import { openStore, StorePool } from "../../relay-agent/src/storage/open.ts";
import { type Store, StoreError } from "../../relay-agent/src/storage/store.ts";

const run = promisify(execFile);
const LAB = path.join(import.meta.dirname, "lab.sh");
const isRoot = process.getuid?.() === 0;
const hasQemuImg = await run("qemu-img", ["--version"]).then(
	() => true,
	() => false,
);

let W: string;
let localDir: string;

beforeAll(async () => {
	W = await mkdtemp(path.join(os.tmpdir(), "flarestack-nfs-"));
	localDir = await mkdtemp(path.join(os.tmpdir(), "flarestack-local-"));
	await run("bash", [LAB, "nfs"], { env: { ...process.env, W } });
}, 300_000);

afterAll(async () => {
	if (!W) return;
	await run("bash", [LAB, "nfs-down"], { env: { ...process.env, W } }).catch(() => {});
	await rm(W, { recursive: true, force: true });
	await rm(localDir, { recursive: true, force: true });
}, 60_000);

async function writeAll(store: Store, file: string, data: Buffer | Buffer[]): Promise<void> {
	await pipeline(Readable.from(Array.isArray(data) ? data : [data]), await store.createWriteStream(file));
}

async function readAll(readable: Readable): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const chunk of readable) parts.push(chunk as Buffer);
	return Buffer.concat(parts);
}

/** The same behaviours for every kind of store; `onDisk` maps a store path to the real file. */
function storeCases(name: string, open: () => { store: Store; onDisk: (p: string) => string }) {
	describe.skipIf(!isRoot)(name, () => {
		let store: Store;
		let onDisk: (p: string) => string;
		beforeAll(() => {
			({ store, onDisk } = open());
		});
		afterAll(() => store?.close());

		it("reports the filesystem's capacity and used bytes", async () => {
			const u = await store.usage();
			expect(u.capacityBytes).toBeGreaterThan(0);
			expect(u.usedBytes).toBeGreaterThanOrEqual(0);
			expect(u.usedBytes).toBeLessThanOrEqual(u.capacityBytes);
		});

		it("writes a file (parents made, mode 0644) that reads back byte for byte", async () => {
			const data = randomBytes(5 * 1024 * 1024 + 321);
			// odd-sized chunks, so WRITEs straddle them
			await writeAll(store, "template/tmpl/a/b/x.raw", [
				data.subarray(0, 7),
				data.subarray(7, 3_000_001),
				data.subarray(3_000_001),
			]);
			expect(await store.stat("template/tmpl/a/b/x.raw")).toEqual({ type: "file", size: data.length });
			expect(await store.stat("template/tmpl/a")).toMatchObject({ type: "directory" });
			const disk = await stat(onDisk("template/tmpl/a/b/x.raw"));
			expect(disk.mode & 0o777).toBe(0o644);
			expect((await readFile(onDisk("template/tmpl/a/b/x.raw"))).equals(data)).toBe(true);
			expect((await readAll(store.createReadStream("template/tmpl/a/b/x.raw"))).equals(data)).toBe(true);
			const mid = 1024 * 1024 - 3;
			expect((await store.read("template/tmpl/a/b/x.raw", mid, 10)).equals(data.subarray(mid, mid + 10))).toBe(true);
			expect((await store.read("template/tmpl/a/b/x.raw", data.length - 4, 100)).length).toBe(4);
			const part = await readAll(store.createReadStream("template/tmpl/a/b/x.raw", { start: 100, end: 2_000_000 }));
			expect(part.equals(data.subarray(100, 2_000_001))).toBe(true);
		});

		it("replaces an existing file on create and on rename", async () => {
			await writeAll(store, "r/old", Buffer.from("a long old content"));
			await writeAll(store, "r/old", Buffer.from("new"));
			expect(await store.stat("r/old")).toEqual({ type: "file", size: 3 });
			await writeAll(store, "r/x.part", Buffer.from("part"));
			await store.rename("r/x.part", "r/old");
			expect(await store.stat("r/x.part")).toBeNull();
			expect((await store.read("r/old", 0, 100)).toString()).toBe("part");
		});

		it("answers null for paths that are not there", async () => {
			expect(await store.stat("nothing")).toBeNull();
			expect(await store.stat("nothing/below")).toBeNull();
			await writeAll(store, "plain", Buffer.from("x"));
			expect(await store.stat("plain/below")).toBeNull();
		});

		it("removes a directory tree, then says nothing was there", async () => {
			await store.mkdirp("tree/empty/deeper");
			await store.mkdirp("tree/empty/deeper");
			for (let i = 0; i < 40; i++) await writeAll(store, `tree/many/f${i}`, Buffer.from(`${i}`));
			expect(await store.remove("tree")).toBe(true);
			expect(await store.stat("tree")).toBeNull();
			expect(await store.remove("tree")).toBe(false);
			expect(await store.remove("plain")).toBe(true);
		});

		it.skipIf(!hasQemuImg)("gives qemu-img a path it can create and inspect images at", async () => {
			await store.mkdirp("q");
			await run("qemu-img", ["create", "-f", "qcow2", store.qemuPath("q/base.qcow2"), "64M"]);
			await run("qemu-img", [
				"create",
				"-f",
				"qcow2",
				"-F",
				"qcow2",
				"-b",
				"base.qcow2",
				store.qemuPath("q/clone.qcow2"),
			]);
			const { stdout } = await run("qemu-img", ["info", "--output=json", "-U", store.qemuPath("q/clone.qcow2")]);
			expect(JSON.parse(stdout)).toMatchObject({
				format: "qcow2",
				"virtual-size": 64 * 1024 * 1024,
				"backing-filename": "base.qcow2",
			});
			expect(await store.stat("q/base.qcow2")).toMatchObject({ type: "file" });
			expect(await store.remove("q")).toBe(true);
		});
	});
}

storeCases("NfsStore (userspace NFSv3 on nfs-ganesha)", () => ({
	store: new NfsStore({ kind: "nfs", server: "127.0.0.1", path: `${W}/nfs/secondary` }),
	onDisk: (p) => path.join(W, "nfs", "secondary", p),
}));

storeCases("LocalStore (a directory)", () => ({
	store: new LocalStore(localDir),
	onDisk: (p) => path.join(localDir, p),
}));

describe.skipIf(!isRoot)("NFS store faults", () => {
	it("says the store is full when the export runs out of space, and the partial file can be removed", async () => {
		const store = new NfsStore({ kind: "nfs", server: "127.0.0.1", path: `${W}/nfs/tiny` });
		try {
			const chunks = Array.from({ length: 64 }, () => randomBytes(1024 * 1024));
			const err = await writeAll(store, "big.raw.part", chunks).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(StoreError);
			expect(err).toMatchObject({ code: "no_space", message: `nfs://127.0.0.1${W}/nfs/tiny is full` });
			expect(await store.remove("big.raw.part")).toBe(true);
			const u = await store.usage();
			expect(u.capacityBytes).toBeLessThan(48 * 1024 * 1024);
		} finally {
			await store.close();
		}
	});

	it("reports a server that does not answer as unreachable, and a path not exported as failed", async () => {
		const closedPort = new NfsStore(
			{ kind: "nfs", server: "127.0.0.1", path: `${W}/nfs/secondary` },
			{ mountPort: 9, timeoutMs: 2000 },
		);
		await expect(closedPort.usage()).rejects.toMatchObject({
			code: "unreachable",
			message: expect.stringMatching(/unreachable: .*refused/),
		});
		const notExported = new NfsStore({ kind: "nfs", server: "127.0.0.1", path: "/not/exported" });
		await expect(notExported.usage()).rejects.toMatchObject({
			code: "failed",
			message: expect.stringMatching(/refused/),
		});
	});

	it("reconnects after the server restarts (NFSv3 handles stay valid)", async () => {
		const store = new NfsStore({ kind: "nfs", server: "127.0.0.1", path: `${W}/nfs/primary` });
		try {
			await writeAll(store, "d/before", Buffer.from("1"));
			await run("bash", [LAB, "nfs-down"], { env: { ...process.env, W } });
			await expect(store.stat("d/before")).rejects.toMatchObject({ code: "unreachable" });
			await run("bash", [LAB, "nfs"], { env: { ...process.env, W } });
			expect(await store.stat("d/before")).toEqual({ type: "file", size: 1 });
			await writeAll(store, "d/after", Buffer.from("22"));
			expect(await store.stat("d/after")).toEqual({ type: "file", size: 2 });
		} finally {
			await store.close();
		}
	});

	it("writes 64 MiB through one pooled connection with the same sha256 on disk", async () => {
		const pool = new StorePool({ idleMs: 1000 });
		const location = { kind: "nfs" as const, server: "127.0.0.1", path: `${W}/nfs/secondary` };
		const data = randomBytes(64 * 1024 * 1024);
		const first = await pool.use(location, async (s) => {
			await writeAll(s, "pooled.raw", data);
			return s;
		});
		const second = await pool.use(location, async (s) => s);
		expect(second).toBe(first);
		const onDisk = await readFile(path.join(W, "nfs", "secondary", "pooled.raw"));
		expect(createHash("sha256").update(onDisk).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
		await pool.use(location, (s) => s.remove("pooled.raw"));
		await pool.close();
	});

	it("opens a local location as LocalStore and NFS as NfsStore when the kernel cannot mount NFS", async () => {
		const local = await openStore({ kind: "local", path: localDir });
		expect(local).toBeInstanceOf(LocalStore);
		const kernelNfs = /\snfs4?$/m.test(await readFile("/proc/filesystems", "utf8"));
		const nfs = await openStore({ kind: "nfs", server: "127.0.0.1", path: `${W}/nfs/secondary` });
		if (!kernelNfs) expect(nfs).toBeInstanceOf(NfsStore);
		expect(nfs.qemuPath("template/x.qcow2")).toBe(`nfs://127.0.0.1${W}/nfs/secondary/template/x.qcow2`);
		await nfs.close();
	});
});
