/**
 * volume.create, volume.resize and volume.copy with the real qemu-img on a directory store (a copy
 * flattens a linked clone's chain and leaves no .part behind on failure), and the config drive ISO:
 * labelled config-2 (blkid), its Joliet tree holding the real names and bytes, its primary tree 8.3
 * names. NFS copies (chains through json: filenames) run in test/e2e/vm-agent.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { StoreLocation } from "@flarestack/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandContext } from "../../relay-agent/src/dispatcher.ts";
import { driverFor, siteDrivers, vmDriverFor } from "../../relay-agent/src/drivers/index.ts";
import { type VolumeHandlers, volumeHandlers } from "../../relay-agent/src/handlers/volume.ts";
import { Hosts } from "../../relay-agent/src/hosts.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";
import { openStore } from "../../relay-agent/src/storage/open.ts";
import { QemuImg } from "../../relay-agent/src/templates/qemu-img.ts";
import { configDriveIso, writeConfigDrive } from "../../relay-agent/src/volumes/config-drive.ts";

const run = promisify(execFile);
const hasQemuImg = await run("qemu-img", ["--version"]).then(
	() => true,
	() => false,
);
const hasBlkid = await run("sh", ["-c", "command -v blkid"]).then(
	() => true,
	() => false,
);
const MIB = 1024 * 1024;

const context = (): CommandContext => ({
	signal: new AbortController().signal,
	deadline: Date.now() + 60_000,
	remainingMs: () => 60_000,
	progress: () => {},
});

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "vm-volumes-"));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

const virtualSize = async (file: string) =>
	(JSON.parse((await run("qemu-img", ["info", "--output=json", file])).stdout) as { "virtual-size": number })[
		"virtual-size"
	];

describe.skipIf(!hasQemuImg)("volume.* with qemu-img on a directory store", () => {
	let handlers: VolumeHandlers;
	let pool: StoreLocation;
	let secondary: StoreLocation;

	beforeAll(async () => {
		pool = { kind: "local", path: path.join(dir, "primary") };
		secondary = { kind: "local", path: path.join(dir, "secondary") };
		await mkdir(pool.path, { recursive: true });
		await mkdir(secondary.path, { recursive: true });
		const drivers = siteDrivers();
		const hosts = new Hosts({
			store: new StateStore(path.join(dir, "state.json")),
			drivers: driverFor("libvirt", drivers),
			log: silentLogger,
			onChange: () => {},
		});
		handlers = volumeHandlers({
			openStore: (location) => openStore(location),
			qemuImg: new QemuImg(),
			hosts,
			drivers: vmDriverFor("libvirt", drivers),
		});
	});

	it("creates a blank qcow2 once, grows it, refuses a shrink", async () => {
		const args = { store: pool, path: "data-1.qcow2", sizeBytes: 64 * MIB };
		expect(await handlers["volume.create"](args, context())).toMatchObject({ format: "QCOW2", sizeBytes: 64 * MIB });
		expect(await handlers["volume.create"](args, context())).toMatchObject({ sizeBytes: 64 * MIB });
		await expect(handlers["volume.create"]({ ...args, sizeBytes: 32 * MIB }, context())).rejects.toMatchObject({
			code: "conflict",
		});
		expect(await handlers["volume.resize"]({ ...args, sizeBytes: 96 * MIB }, context())).toMatchObject({
			sizeBytes: 96 * MIB,
		});
		expect(await virtualSize(path.join(pool.path, "data-1.qcow2"))).toBe(96 * MIB);
		await expect(handlers["volume.resize"]({ ...args, sizeBytes: 32 * MIB }, context())).rejects.toThrow(
			"cannot shrink",
		);
	});

	it("copies a linked clone to another store as one standalone qcow2", async () => {
		const base = path.join(pool.path, "template-t.qcow2");
		await writeFile(path.join(dir, "base.raw"), Buffer.concat([Buffer.alloc(MIB, 7), Buffer.alloc(15 * MIB)]));
		await run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", path.join(dir, "base.raw"), base]);
		await run("qemu-img", [
			"create",
			"-q",
			"-f",
			"qcow2",
			"-F",
			"qcow2",
			"-b",
			"template-t.qcow2",
			path.join(pool.path, "root.qcow2"),
		]);
		const copied = await handlers["volume.copy"](
			{
				source: { store: pool, path: "root.qcow2" },
				target: { store: secondary, path: "snapshots/a/v/s.qcow2" },
			},
			context(),
		);
		expect(copied).toMatchObject({ path: "snapshots/a/v/s.qcow2", sizeBytes: 16 * MIB });
		const target = path.join(secondary.path, "snapshots/a/v/s.qcow2");
		const info = JSON.parse((await run("qemu-img", ["info", "--output=json", target])).stdout);
		expect(info["backing-filename"]).toBeUndefined();
		await run("qemu-img", ["compare", path.join(dir, "base.raw"), target]);

		await expect(
			handlers["volume.copy"](
				{ source: { store: pool, path: "nothing.qcow2" }, target: { store: secondary, path: "x/y.qcow2" } },
				context(),
			),
		).rejects.toMatchObject({ code: "invalid" });
		expect(await readdir(path.join(secondary.path, "snapshots/a/v"))).toEqual(["s.qcow2"]);
	});
});

/** The files of an ISO's Joliet tree (path → bytes), read the way isofs reads them. */
function jolietFiles(iso: Buffer): Map<string, Buffer> {
	const svd = iso.subarray(17 * 2048, 18 * 2048);
	expect(svd[0]).toBe(2);
	expect(svd.toString("latin1", 88, 91)).toBe("%/E");
	const out = new Map<string, Buffer>();
	const walk = (lba: number, size: number, prefix: string) => {
		const extent = iso.subarray(lba * 2048, lba * 2048 + size);
		let at = 0;
		while (at < extent.length) {
			const length = extent[at] ?? 0;
			if (length === 0) {
				at = (Math.floor(at / 2048) + 1) * 2048;
				continue;
			}
			const record = extent.subarray(at, at + length);
			const nameLength = record[32] ?? 0;
			const id = record.subarray(33, 33 + nameLength);
			if (!(nameLength === 1 && (id[0] === 0 || id[0] === 1))) {
				const name = Buffer.from(id).swap16().toString("utf16le");
				const childLba = record.readUInt32LE(2);
				const childSize = record.readUInt32LE(10);
				if ((record[25] ?? 0) & 2) walk(childLba, childSize, `${prefix}${name}/`);
				else out.set(`${prefix}${name}`, iso.subarray(childLba * 2048, childLba * 2048 + childSize));
			}
			at += length;
		}
	};
	walk(svd.readUInt32LE(158), svd.readUInt32LE(166), "");
	return out;
}

describe("config drive ISO", () => {
	const files = [
		{ name: "openstack/latest/meta_data.json", text: '{"uuid":"x","hostname":"web-1"}' },
		{ name: "openstack/latest/user_data", text: "#cloud-config\nruncmd: [echo hi]\n" },
		{ name: "openstack/latest/network_data.json", text: "{}" },
		{ name: "openstack/latest/vendor_data.json", text: "" },
	];
	const iso = configDriveIso(files.map(({ name, text }) => ({ name, base64: Buffer.from(text).toString("base64") })));

	it("holds every file under its real name in the Joliet tree", () => {
		expect(iso.length % 2048).toBe(0);
		expect(iso.toString("latin1", 32769, 32774)).toBe("CD001");
		const read = jolietFiles(iso);
		expect([...read.keys()].sort()).toEqual(files.map((f) => f.name).sort());
		for (const { name, text } of files) expect(read.get(name)?.toString()).toBe(text);
	});

	it.skipIf(!hasBlkid)("is an iso9660 labelled config-2 for blkid (as cloud-init finds it)", async () => {
		await writeFile(path.join(dir, "cd.iso"), iso);
		const { stdout } = await run("blkid", ["-o", "export", path.join(dir, "cd.iso")]);
		expect(stdout).toContain("TYPE=iso9660");
		expect(stdout).toContain("LABEL=config-2");
	});

	it("is written into its store by name, with no .part left", async () => {
		const store: StoreLocation = { kind: "local", path: path.join(dir, "drives") };
		await mkdir(store.path, { recursive: true });
		const drive = {
			store,
			path: "configdrive-x.iso",
			files: [{ name: "openstack/latest/meta_data.json", base64: Buffer.from("{}").toString("base64") }],
		};
		await writeConfigDrive((location) => openStore(location), drive);
		expect(await readdir(store.path)).toEqual(["configdrive-x.iso"]);
		expect(
			jolietFiles(await readFile(path.join(store.path, "configdrive-x.iso")))
				.get(drive.files[0]?.name ?? "")
				?.toString(),
		).toBe("{}");
	});
});
