/**
 * The agent's storage handlers with the real qemu-img on real images: downloads checked by probing
 * (raw vs qcow2, backing file, external data file, a text file posing as qcow2, ISO), one copy for
 * ten concurrent prepares, linked clones with a relative backing file. Runs on a directory store,
 * and on the real NFS store (a ganesha of its own, test/e2e/lab.sh nfs) when port 2049 is free.
 * Needs qemu-img; skipped without it.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DownloadLimits, StoreLocation } from "@flarestack/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandContext } from "../../relay-agent/src/dispatcher.ts";
import { type StorageHandlers, storageHandlers } from "../../relay-agent/src/handlers/storage.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { openStore } from "../../relay-agent/src/storage/open.ts";
import type { OpenStore } from "../../relay-agent/src/templates/stores.ts";
import { REPO_ROOT } from "../clients/server.ts";
import { file, serve } from "../relay-agent/template-fixtures.ts";

const run = promisify(execFile);
const hasQemuImg = await run("qemu-img", ["--version"]).then(
	() => true,
	() => false,
);
const LAB = path.join(REPO_ROOT, "test", "e2e", "lab.sh");
/**
 * Only one NFS server can own 127.0.0.1:2049: when another one runs, the NFS cases use it if
 * TEMPLATE_AGENT_NFS_ROOT names its scratch `nfs` directory (exports <root>/primary and
 * <root>/secondary; the test works in fresh subdirectories of them), else they skip.
 */
const SHARED_NFS = process.env.TEMPLATE_AGENT_NFS_ROOT;
const port2049Free = await run("ss", ["-Hltn", "sport = :2049"]).then(
	({ stdout }) => stdout.trim() === "",
	() => false,
);
const nfsUsable = hasQemuImg && process.getuid?.() === 0 && (port2049Free || SHARED_NFS !== undefined);
const TEMPLATE_ID = "5d0c8a1e-3c7b-4c2a-9f5e-0a1b2c3d4e5f";
const LIMITS: DownloadLimits = {
	maxBytes: 2 ** 30,
	maxRedirects: 2,
	stallTimeoutMs: 5000,
	attempts: 2,
	deniedRanges: [],
};
const MIB = 1024 * 1024;

const context = (): CommandContext => ({
	signal: new AbortController().signal,
	deadline: Date.now() + 120_000,
	remainingMs: () => 120_000,
	progress: () => {},
});

let dir: string;
let images: string;
let server: Awaited<ReturnType<typeof serve>>;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function buildImages(): Promise<Record<string, Buffer>> {
	await mkdir(images, { recursive: true });
	const at = (name: string) => path.join(images, name);
	await writeFile(at("disk.raw"), Buffer.concat([randomBytes(4 * MIB), Buffer.alloc(12 * MIB)]));
	await run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", at("disk.raw"), at("disk.qcow2")]);
	await run("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", at("disk.qcow2"), at("backed.qcow2")]);
	await run("qemu-img", [
		"create",
		"-q",
		"-f",
		"qcow2",
		"-o",
		`data_file=${at("data.raw")}`,
		at("datafile.qcow2"),
		"16M",
	]);
	await writeFile(at("text.qcow2"), "this is not a disk image\n".repeat(1000));
	const iso = Buffer.alloc(64 * 1024);
	iso.write("CD001", 32769, "latin1");
	await writeFile(at("cd.iso"), iso);
	const names = ["disk.raw", "disk.qcow2", "backed.qcow2", "datafile.qcow2", "text.qcow2", "cd.iso"];
	return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(at(name))])));
}

/** The same cases on every kind of store: `location(name)` is where store `name` is, `local(name)` its directory. */
function storeCases(
	label: string,
	setup: () => Promise<{
		open: OpenStore;
		location: (name: string) => StoreLocation;
		local: (name: string) => string;
		teardown?: () => Promise<void>;
	}>,
) {
	describe.skipIf(!hasQemuImg || (label.startsWith("NFS") && !nfsUsable))(label, () => {
		let handlers: StorageHandlers;
		let location: (name: string) => StoreLocation;
		let local: (name: string) => string;
		let bodies: Record<string, Buffer>;
		let teardown: (() => Promise<void>) | undefined;

		beforeAll(async () => {
			const made = await setup();
			teardown = made.teardown;
			location = made.location;
			local = made.local;
			handlers = storageHandlers({ openStore: made.open, log: silentLogger });
			bodies = await buildImages();
		});
		afterAll(async () => {
			await teardown?.();
		});

		const download = (name: string, format: "QCOW2" | "RAW" | "ISO", target = `template/tmpl/a/${name}/${name}`) =>
			handlers["template.download"](
				{
					templateId: TEMPLATE_ID,
					url: `${server.url}/${name}`,
					format,
					store: location("secondary"),
					path: target,
					limits: LIMITS,
				},
				context(),
			);

		it("downloads a qcow2 and a raw and reports their virtual sizes", async () => {
			const qcow2 = await download("disk.qcow2", "QCOW2");
			expect(qcow2).toMatchObject({
				format: "QCOW2",
				sizeBytes: 16 * MIB,
				sha256: sha256(bodies["disk.qcow2"] ?? Buffer.alloc(0)),
			});
			const raw = await download("disk.raw", "RAW");
			expect(raw).toMatchObject({ format: "RAW", sizeBytes: 16 * MIB });
			await run("qemu-img", ["check", path.join(local("secondary"), qcow2.path)]);
			const iso = await download("cd.iso", "ISO");
			expect(iso).toMatchObject({ format: "ISO", sizeBytes: 64 * 1024 });
		});

		it("refuses what the probe does not confirm, leaving nothing", async () => {
			await expect(download("disk.raw", "QCOW2", "template/tmpl/a/x/x.qcow2")).rejects.toThrow(
				"the file is raw, not QCOW2 as registered",
			);
			await expect(download("disk.qcow2", "RAW", "template/tmpl/a/x/x.raw")).rejects.toThrow(
				"the file is qcow2, not RAW as registered",
			);
			await expect(download("text.qcow2", "QCOW2", "template/tmpl/a/x/t.qcow2")).rejects.toThrow(
				"the file is raw, not QCOW2 as registered",
			);
			await expect(download("backed.qcow2", "QCOW2", "template/tmpl/a/x/b.qcow2")).rejects.toThrow(
				`a qcow2 with a backing file is refused: it names ${path.join(images, "disk.qcow2")}`,
			);
			await expect(download("datafile.qcow2", "QCOW2", "template/tmpl/a/x/d.qcow2")).rejects.toThrow(
				`a qcow2 with an external data file is refused: it names ${path.join(images, "data.raw")}`,
			);
			await expect(download("disk.raw", "ISO", "template/tmpl/a/x/d.iso")).rejects.toThrow("no ISO 9660 mark");
			expect(await readdir(path.join(local("secondary"), "template/tmpl/a/x"))).toEqual([]);
		});

		it("copies once for ten concurrent prepares, then clones in a few ms", async () => {
			const source = await download("disk.qcow2", "QCOW2", "template/tmpl/a/p/p.qcow2");
			const base = `template-${TEMPLATE_ID}.qcow2`;
			const args = {
				templateId: TEMPLATE_ID,
				source: { store: location("secondary"), path: source.path, format: "QCOW2" as const },
				pool: location("primary"),
				path: base,
			};
			const results = await Promise.all(
				Array.from({ length: 10 }, () => handlers["template.prepare"](args, context())),
			);
			expect(results.filter((result) => result.copied)).toHaveLength(1);
			expect(results[0]).toMatchObject({ format: "QCOW2", sizeBytes: 16 * MIB });
			expect((await readdir(local("primary"))).filter((name) => name.startsWith("template-"))).toEqual([base]);
			await run("qemu-img", ["compare", path.join(local("secondary"), source.path), path.join(local("primary"), base)]);

			const started = performance.now();
			const clone = await handlers["volume.clone"](
				{ pool: location("primary"), backingPath: base, path: "vol-1.qcow2", sizeBytes: 32 * MIB },
				context(),
			);
			const ms = performance.now() - started;
			console.log(`${label}: linked clone in ${ms.toFixed(1)} ms`);
			expect(clone).toMatchObject({ format: "QCOW2", sizeBytes: 32 * MIB });
			// The backing file is relative: the clone opens from the local directory as from nfs://.
			const { stdout } = await run("qemu-img", [
				"info",
				"--output=json",
				"--backing-chain",
				path.join(local("primary"), "vol-1.qcow2"),
			]);
			const chain = JSON.parse(stdout) as Array<{ "backing-filename"?: string }>;
			expect(chain).toHaveLength(2);
			expect(chain[0]?.["backing-filename"]).toBe(base);
		});

		it("converts a RAW template to a qcow2 on the pool", async () => {
			const source = await download("disk.raw", "RAW", "template/tmpl/a/r/r.raw");
			const result = await handlers["template.prepare"](
				{
					templateId: TEMPLATE_ID,
					source: { store: location("secondary"), path: source.path, format: "RAW" },
					pool: location("primary"),
					path: "template-raw.qcow2",
				},
				context(),
			);
			expect(result).toMatchObject({ format: "QCOW2", sizeBytes: 16 * MIB, copied: true });
			const { stdout } = await run("qemu-img", [
				"info",
				"--output=json",
				path.join(local("primary"), "template-raw.qcow2"),
			]);
			expect(JSON.parse(stdout).format).toBe("qcow2");
		});

		it("answers store.stat and store.remove", async () => {
			const usage = await handlers["store.stat"]({ store: location("secondary") }, context());
			expect(usage.capacityBytes).toBeGreaterThan(usage.usedBytes);
			expect(
				await handlers["store.remove"]({ store: location("secondary"), path: "template/tmpl/a" }, context()),
			).toEqual({
				removed: true,
			});
			expect(
				await handlers["store.remove"]({ store: location("secondary"), path: "template/tmpl/a" }, context()),
			).toEqual({
				removed: false,
			});
			expect(await readdir(path.join(local("secondary"), "template/tmpl"))).toEqual([]);
		});
	});
}

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "template-agent-"));
	images = path.join(dir, "images");
	const routes: Parameters<typeof serve>[0] = {};
	for (const name of ["disk.raw", "disk.qcow2", "backed.qcow2", "datafile.qcow2", "text.qcow2", "cd.iso"]) {
		routes[`/${name}`] = (request, response) =>
			void readFile(path.join(images, name)).then((body) => file(body, { ranges: true })(request, response));
	}
	server = await serve(routes);
});
afterAll(async () => {
	await server?.close();
	await rm(dir, { recursive: true, force: true });
});

storeCases("directory store (LocalStore)", async () => {
	const root = (name: string) => path.join(dir, "stores", name);
	await mkdir(root("secondary"), { recursive: true });
	await mkdir(root("primary"), { recursive: true });
	return {
		open: (location) => openStore(location),
		location: (name) => ({ kind: "local", path: root(name) }),
		local: root,
	};
});

storeCases("NFS store (the agent's own NFS client)", async () => {
	let exported: (name: string) => string;
	let teardown: () => Promise<void>;
	if (port2049Free) {
		const W = path.join(dir, "lab");
		await mkdir(W, { recursive: true });
		await run("bash", [LAB, "nfs"], { env: { ...process.env, W } });
		exported = (name) => path.join(W, "nfs", name);
		teardown = async () => {
			await run("bash", [LAB, "nfs-down"], { env: { ...process.env, W } });
		};
	} else {
		// Fresh subdirectories of another ganesha's exports (NFSv3 mounts a subdirectory as well).
		const sub = `template-agent-${process.pid}-${Date.now()}`;
		exported = (name) => path.join(SHARED_NFS ?? "", name, sub);
		for (const name of ["primary", "secondary"]) await mkdir(exported(name));
		teardown = async () => {
			for (const name of ["primary", "secondary"]) await rm(exported(name), { recursive: true, force: true });
		};
	}
	return {
		open: (location) => openStore(location),
		location: (name) => ({ kind: "nfs", server: "127.0.0.1", path: exported(name) }),
		local: (name) => exported(name),
		teardown: () => teardown(),
	};
});
