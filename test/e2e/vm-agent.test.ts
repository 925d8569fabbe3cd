/**
 * The agent's guest commands against the real lab (test/e2e/lab.sh, reused when one is up): two
 * libvirtd hosts in namespaces, nfs-ganesha pools, the self-bootable template. Through the agent's
 * own handlers and host registry: the template copied to the pool, a linked clone, a config drive,
 * vm.start of a transient domain on NFS network disks → the guest's serial console shows the boot
 * marker and the config drive's hostname; a hot-plugged data disk; a copy of the running root disk
 * (its chain flattened through qemu's NFS client); live migration to the other host; a reset (the
 * marker again, on the new host); a guest destroyed behind the agent's back → `shutoff` within a
 * poll; a graceful stop that falls back to a hard one. Needs root; skipped otherwise.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Domain, DomainSpec, StoreLocation } from "@flarestack/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandContext } from "../../relay-agent/src/dispatcher.ts";
import { driverFor, siteDrivers, vmDriverFor } from "../../relay-agent/src/drivers/index.ts";
import { type StorageHandlers, storageHandlers } from "../../relay-agent/src/handlers/storage.ts";
import { type VmHandlers, vmHandlers } from "../../relay-agent/src/handlers/vm.ts";
import { type VolumeHandlers, volumeHandlers } from "../../relay-agent/src/handlers/volume.ts";
import { Hosts } from "../../relay-agent/src/hosts.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";
import { StorePool } from "../../relay-agent/src/storage/open.ts";
import { QemuImg } from "../../relay-agent/src/templates/qemu-img.ts";
import { writeConfigDrive } from "../../relay-agent/src/volumes/config-drive.ts";
import { acquireLab, BOOT_MARKER, HOST_URIS, type Lab, labProblem, waitForMarker } from "./vm-lab.ts";

const run = promisify(execFile);
const problem = await labProblem();
const H1 = randomUUID();
const H2 = randomUUID();
const VM = randomUUID();
const ROOT = randomUUID();
const DATA = randomUUID();
const TEMPLATE = randomUUID();
const NAME = `i-${VM.replaceAll("-", "").slice(0, 12)}-VM`;
const HOSTNAME = `vm-agent-${VM.slice(0, 8)}`;
/** Under TCG on a shared 2-core machine a boot takes 20-40 s; give it room. */
const BOOT_MS = 180_000;

const context = (ms = 180_000): CommandContext => {
	const deadline = Date.now() + ms;
	return {
		signal: new AbortController().signal,
		deadline,
		remainingMs: () => Math.max(0, deadline - Date.now()),
		progress: () => {},
	};
};

const virsh = async (host: 1 | 2, ...args: string[]) =>
	(await run("virsh", ["-c", HOST_URIS[host - 1] as string, ...args], { env: { ...process.env, LC_ALL: "C" } })).stdout;

describe.skipIf(problem !== undefined)(`the agent's guests on the real lab${problem ? ` (${problem})` : ""}`, () => {
	let lab: Lab;
	let hosts: Hosts;
	let stores: StorePool;
	let vm: VmHandlers;
	let volumes: VolumeHandlers;
	let storage: StorageHandlers;
	let pool: StoreLocation;
	let secondary: StoreLocation;
	let spec: DomainSpec;
	const events: { hostId: string; domain: Domain }[] = [];
	const subdir = `vm-agent-${process.pid}`;

	beforeAll(async () => {
		lab = await acquireLab();
		// Fresh subdirectories of the exports (another test may share this ganesha).
		for (const name of ["primary", "secondary"] as const) await mkdir(path.join(lab.exportDir(name), subdir));
		pool = { kind: "nfs", server: lab.nfsServer, path: path.join(lab.exportDir("primary"), subdir) };
		secondary = { kind: "nfs", server: lab.nfsServer, path: path.join(lab.exportDir("secondary"), subdir) };
		const drivers = siteDrivers();
		const vmDrivers = vmDriverFor("libvirt", drivers);
		hosts = new Hosts({
			store: new StateStore(path.join(lab.W, `${subdir}-state.json`)),
			drivers: driverFor("libvirt", drivers),
			vmDrivers,
			log: silentLogger,
			onChange: () => {},
			onDomain: (hostId, domain) => {
				if (domain.name === NAME) events.push({ hostId, domain });
			},
			pollMs: 1000,
			probeTimeoutMs: 10_000,
		});
		stores = new StorePool();
		const qemuImg = new QemuImg();
		storage = storageHandlers({ openStore: stores, log: silentLogger, qemuImg });
		volumes = volumeHandlers({ openStore: stores, qemuImg, hosts, drivers: vmDrivers });
		vm = vmHandlers({
			hosts,
			drivers: vmDrivers,
			settings: { guestBridge: "cloudbr0" },
			writeConfigDrive: (drive, signal) => writeConfigDrive(stores, drive, signal),
		});
		await hosts.connect(H1, HOST_URIS[0] as string);
		await hosts.connect(H2, HOST_URIS[1] as string);
	});

	afterAll(async () => {
		hosts?.stopPolling();
		for (const host of [1, 2] as const) await virsh(host, "destroy", NAME).catch(() => "");
		await stores?.close();
		if (lab) {
			for (const name of ["primary", "secondary"] as const) {
				await run("rm", ["-rf", path.join(lab.exportDir(name), subdir)]).catch(() => undefined);
			}
			await lab.release();
		}
	});

	it("starts a guest from a linked clone on NFS, with a config drive: it boots and reads its hostname", async () => {
		const templatePath = `template/tmpl/1/${TEMPLATE}/boot.qcow2`;
		await mkdir(path.dirname(path.join(secondary.path, templatePath)), { recursive: true });
		await copyFile(lab.guestTemplate, path.join(secondary.path, templatePath));
		const base = `template-${TEMPLATE}.qcow2`;
		await storage["template.prepare"](
			{ templateId: TEMPLATE, source: { store: secondary, path: templatePath, format: "QCOW2" }, pool, path: base },
			context(),
		);
		await storage["volume.clone"]({ pool, backingPath: base, path: `${ROOT}.qcow2` }, context());
		const meta = { uuid: VM, hostname: HOSTNAME, name: HOSTNAME };
		const drive = {
			store: pool,
			path: `configdrive-${VM}.iso`,
			files: [
				{ name: "openstack/latest/meta_data.json", base64: Buffer.from(JSON.stringify(meta)).toString("base64") },
			],
		};
		spec = {
			uuid: VM,
			name: NAME,
			type: "qemu",
			vcpus: 1,
			cpuShares: 1000,
			memoryMiB: 192,
			bootCdrom: false,
			disks: [
				{
					volumeId: ROOT,
					device: "disk",
					bus: "virtio",
					target: "vda",
					store: pool,
					path: `${ROOT}.qcow2`,
					format: "QCOW2",
					chain: [{ path: base, format: "QCOW2" }],
					readonly: false,
				},
				{
					volumeId: VM,
					device: "cdrom",
					bus: "ide",
					target: "hdd",
					store: pool,
					path: drive.path,
					format: "RAW",
					chain: [],
					readonly: true,
				},
			],
			nics: [{ mac: "02:00:5e:10:20:30", model: "virtio" }],
			configDrive: drive,
		};
		const t0 = performance.now();
		expect(await vm["vm.start"]({ hostId: H1, domain: spec }, context())).toEqual({
			uuid: VM,
			name: NAME,
			state: "running",
		});
		const startMs = performance.now() - t0;
		const bootMs = await waitForMarker(lab.consoleLog(1, NAME), BOOT_MARKER, BOOT_MS);
		console.log(`vm.start ${startMs.toFixed(0)} ms, then the boot marker after ${bootMs.toFixed(0)} ms`);
		expect(await readFile(lab.consoleLog(1, NAME), "latin1")).toContain(`FLARESTACK-CONFIG-DRIVE hostname=${HOSTNAME}`);
		expect(events).toEqual([{ hostId: H1, domain: { uuid: VM, name: NAME, state: "running" } }]);
		// A resent start leaves the running guest alone.
		expect(await vm["vm.start"]({ hostId: H1, domain: spec }, context())).toMatchObject({ state: "running" });
		expect(await virsh(1, "domiflist", NAME)).toContain("cloudbr0");
	}, 240_000);

	it("hot-plugs a data disk and copies the running root disk to secondary storage, flattened", async () => {
		const data = { store: pool, path: `${DATA}.qcow2`, sizeBytes: 32 * 1024 * 1024 };
		await volumes["volume.create"](data, context());
		const disk = {
			...(spec.disks[0] as DomainSpec["disks"][number]),
			volumeId: DATA,
			target: "vdb",
			path: data.path,
			chain: [],
		};
		await vm["vm.attachDisk"]({ hostId: H1, name: NAME, disk }, context());
		expect(await virsh(1, "domblklist", NAME)).toMatch(/vdb\s/);
		// Grown while attached: through the guest's QEMU (virsh blockresize), not qemu-img.
		const grown = await volumes["volume.resize"](
			{ ...data, sizeBytes: 48 * 1024 * 1024, attachedTo: { hostId: H1, name: NAME, target: "vdb" } },
			context(),
		);
		expect(grown.sizeBytes).toBe(48 * 1024 * 1024);

		const copied = await volumes["volume.copy"](
			{
				source: { store: pool, path: `${ROOT}.qcow2` },
				target: { store: secondary, path: `snapshots/1/${ROOT}/s.qcow2` },
			},
			context(),
		);
		expect(copied.sizeBytes).toBe(64 * 1024 * 1024);
		const { stdout } = await run("qemu-img", ["info", "--output=json", path.join(secondary.path, copied.path)]);
		const info = JSON.parse(stdout) as { format: string; "backing-filename"?: string };
		expect(info.format).toBe("qcow2");
		expect(info["backing-filename"]).toBeUndefined();
	});

	it("live-migrates to the other host, then a reset boots it again there", async () => {
		const t0 = performance.now();
		expect(await vm["vm.migrate"]({ hostId: H1, name: NAME, targetHostId: H2 }, context())).toMatchObject({
			state: "running",
		});
		console.log(`live migration ${(performance.now() - t0).toFixed(0)} ms`);
		expect(await virsh(2, "domstate", NAME)).toContain("running");
		expect(await virsh(1, "list", "--name")).not.toContain(NAME);
		expect(events.slice(-2)).toEqual([
			{ hostId: H2, domain: { uuid: VM, name: NAME, state: "running" } },
			{ hostId: H1, domain: { uuid: VM, name: NAME, state: "shutoff" } },
		]);
		expect(hosts.get(H2)?.domains.map((d) => d.name)).toContain(NAME);
		// Resent after it arrived: nothing moves.
		await vm["vm.migrate"]({ hostId: H1, name: NAME, targetHostId: H2 }, context());

		await vm["vm.reboot"]({ hostId: H2, name: NAME }, context());
		await waitForMarker(lab.consoleLog(2, NAME), BOOT_MARKER, BOOT_MS);
	}, 240_000);

	it("reports a guest destroyed behind its back as shutoff within a poll", async () => {
		hosts.startPolling();
		const before = events.length;
		const t0 = performance.now();
		await virsh(2, "destroy", NAME);
		while (!events.slice(before).some((e) => e.hostId === H2 && e.domain.state === "shutoff")) {
			if (performance.now() - t0 > 15_000) throw new Error("no shutoff event within 15 s");
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		console.log(`destroyed guest reported ${(performance.now() - t0).toFixed(0)} ms after virsh destroy began`);
		expect(hosts.get(H2)?.domains.map((d) => d.name)).not.toContain(NAME);
		hosts.stopPolling();
	});

	it("stops gracefully with a hard stop after the grace period; stopping again is success", async () => {
		const plain = { ...spec, disks: spec.disks.slice(0, 1) };
		delete plain.configDrive;
		await vm["vm.start"]({ hostId: H1, domain: plain }, context());
		// The busybox guest ignores the ACPI request, so this is the hard stop after 1.5 s.
		await vm["vm.stop"]({ hostId: H1, name: NAME, graceMs: 1500 }, context());
		expect(await virsh(1, "list", "--name")).not.toContain(NAME);
		expect(events.at(-1)).toEqual({ hostId: H1, domain: { uuid: VM, name: NAME, state: "shutoff" } });
		await vm["vm.stop"]({ hostId: H1, name: NAME, graceMs: 0 }, context());
	});
});
