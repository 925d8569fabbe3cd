/**
 * template.prepare (one copy for concurrent callers, reuse, cleanup) and volume.clone (relative
 * backing file, no overwrite) with a fake qemu-img over directory stores.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StoreLocation } from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cloneVolume } from "../../relay-agent/src/templates/clone.ts";
import { TemplateCopier } from "../../relay-agent/src/templates/prepare.ts";
import { QemuImg, type QemuImgRunner } from "../../relay-agent/src/templates/qemu-img.ts";
import type { OpenStore } from "../../relay-agent/src/templates/stores.ts";
import { DirStore, fakeQemuImg, qcow2Header } from "./template-fixtures.ts";

const TEMPLATE_ID = "5d0c8a1e-3c7b-4c2a-9f5e-0a1b2c3d4e5f";
let dir: string;
let secondary: StoreLocation;
let primary: StoreLocation;
const opened: DirStore[] = [];
const open: OpenStore = async (location) => {
	const store = new DirStore(location.path);
	opened.push(store);
	return store;
};

beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-prepare-"));
	secondary = { kind: "local", path: path.join(dir, "secondary") };
	primary = { kind: "local", path: path.join(dir, "primary") };
	await mkdir(path.join(secondary.path, "template/tmpl/a/t"), { recursive: true });
	await mkdir(primary.path, { recursive: true });
	await writeFile(path.join(secondary.path, "template/tmpl/a/t/t.qcow2"), qcow2Header(8 * 1024 ** 3));
	opened.length = 0;
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const args = () => ({
	templateId: TEMPLATE_ID,
	source: { store: secondary, path: "template/tmpl/a/t/t.qcow2", format: "QCOW2" as const },
	pool: primary,
	path: `template-${TEMPLATE_ID}.qcow2`,
});

describe("template.prepare", () => {
	it("makes one copy for ten concurrent calls and reuses it after", async () => {
		const calls: string[][] = [];
		const copier = new TemplateCopier(open, new QemuImg(fakeQemuImg(calls, 50)));
		const signal = new AbortController().signal;
		const results = await Promise.all(Array.from({ length: 10 }, () => copier.prepare(args(), signal)));
		expect(calls.filter(([command]) => command === "convert")).toEqual([
			[
				"convert",
				"-f",
				"qcow2",
				"-O",
				"qcow2",
				path.join(secondary.path, "template/tmpl/a/t/t.qcow2"),
				path.join(primary.path, `template-${TEMPLATE_ID}.qcow2.part`),
			],
		]);
		expect(results.filter((result) => result.copied)).toHaveLength(1);
		for (const result of results) {
			expect(result).toMatchObject({
				path: `template-${TEMPLATE_ID}.qcow2`,
				format: "QCOW2",
				sizeBytes: 8 * 1024 ** 3,
			});
		}
		expect(await readdir(primary.path)).toEqual([`template-${TEMPLATE_ID}.qcow2`]);
		const again = await copier.prepare(args(), signal);
		expect(again.copied).toBe(false);
		expect(calls.filter(([command]) => command === "convert")).toHaveLength(1);
		expect(opened.every((store) => store.closed === 1)).toBe(true);
	});

	it("converts RAW with -f raw into a qcow2", async () => {
		await writeFile(path.join(secondary.path, "r.raw"), Buffer.alloc(4096));
		const calls: string[][] = [];
		const copier = new TemplateCopier(open, new QemuImg(fakeQemuImg(calls)));
		const result = await copier.prepare(
			{ ...args(), source: { store: secondary, path: "r.raw", format: "RAW" } },
			new AbortController().signal,
		);
		expect(calls.find(([command]) => command === "convert")?.slice(0, 5)).toEqual([
			"convert",
			"-f",
			"raw",
			"-O",
			"qcow2",
		]);
		expect(result).toMatchObject({ format: "QCOW2", copied: true });
	});

	it("fails clearly when the template is not on secondary storage, and leaves nothing", async () => {
		const copier = new TemplateCopier(open, new QemuImg(fakeQemuImg()));
		await expect(
			copier.prepare({ ...args(), source: { ...args().source, path: "missing.qcow2" } }, new AbortController().signal),
		).rejects.toThrow(`the template is not on secondary storage: ${secondary.path}/missing.qcow2`);
		expect(await readdir(primary.path)).toEqual([]);
	});

	it("removes the part file when qemu-img fails, and a later call tries again", async () => {
		let fail = true;
		const inner = fakeQemuImg();
		const runner: QemuImgRunner = async (argv, options) => {
			if (argv[0] === "convert" && fail) {
				await writeFile(argv.at(-1) ?? "", "half");
				throw new Error("qemu-img convert failed: No space left on device");
			}
			return inner(argv, options);
		};
		const copier = new TemplateCopier(open, new QemuImg(runner));
		const signal = new AbortController().signal;
		await expect(copier.prepare(args(), signal)).rejects.toThrow("No space left on device");
		expect(await readdir(primary.path)).toEqual([]);
		fail = false;
		expect((await copier.prepare(args(), signal)).copied).toBe(true);
	});

	it("refuses when the pool has no room for the template", async () => {
		const small: OpenStore = async (location) => {
			const store = new DirStore(location.path);
			if (location.path === primary.path) store.capacity = 10;
			return store;
		};
		const copier = new TemplateCopier(small, new QemuImg(fakeQemuImg()));
		await expect(copier.prepare(args(), new AbortController().signal)).rejects.toThrow(
			`primary storage ${primary.path} is full: 10 bytes free, the template takes 4096 bytes`,
		);
	});

	it("keeps copying while one caller is still waiting, aborts when all gave up", async () => {
		const calls: string[][] = [];
		const copier = new TemplateCopier(open, new QemuImg(fakeQemuImg(calls, 100)));
		const early = new AbortController();
		const first = copier.prepare(args(), early.signal);
		const second = copier.prepare(args(), new AbortController().signal);
		early.abort(new Error("deadline"));
		await expect(first).rejects.toThrow("deadline");
		expect((await second).copied).toBe(false);
		expect(await readdir(primary.path)).toEqual([`template-${TEMPLATE_ID}.qcow2`]);
	});
});

describe("volume.clone", () => {
	const base = `template-${TEMPLATE_ID}.qcow2`;
	beforeEach(async () => {
		await writeFile(path.join(primary.path, base), qcow2Header(8 * 1024 ** 3));
	});

	it("creates a qcow2 overlay with a relative backing file", async () => {
		const calls: string[][] = [];
		const clone = await cloneVolume(open, new QemuImg(fakeQemuImg(calls)), {
			pool: primary,
			backingPath: base,
			path: "vol-1.qcow2",
			sizeBytes: 20 * 1024 ** 3,
		});
		expect(calls[0]).toEqual([
			"create",
			"-q",
			"-u",
			"-f",
			"qcow2",
			"-F",
			"qcow2",
			"-b",
			base,
			path.join(primary.path, "vol-1.qcow2"),
			String(20 * 1024 ** 3),
		]);
		expect(clone).toMatchObject({ path: "vol-1.qcow2", format: "QCOW2" });
	});

	it("names the backing file relative to a clone in a subdirectory", async () => {
		const calls: string[][] = [];
		await cloneVolume(open, new QemuImg(fakeQemuImg(calls)), {
			pool: primary,
			backingPath: base,
			path: "vols/v.qcow2",
		});
		expect(calls[0]?.[8]).toBe(`../${base}`);
	});

	it("answers a repeat with the same clone, refuses to overwrite another file", async () => {
		const qemuImg = new QemuImg(fakeQemuImg());
		const args = { pool: primary, backingPath: base, path: "vol-1.qcow2" };
		const first = await cloneVolume(open, qemuImg, args);
		expect(await cloneVolume(open, qemuImg, args)).toEqual(first);
		await writeFile(path.join(primary.path, "other.qcow2"), "data");
		await expect(cloneVolume(open, qemuImg, { ...args, path: "other.qcow2" })).rejects.toThrow(
			`${primary.path}/other.qcow2 already exists and is not this clone`,
		);
	});

	it("refuses a missing template copy", async () => {
		await expect(
			cloneVolume(open, new QemuImg(fakeQemuImg()), { pool: primary, backingPath: "nope.qcow2", path: "v.qcow2" }),
		).rejects.toThrow(`the template copy ${primary.path}/nope.qcow2 is not there`);
	});
});
