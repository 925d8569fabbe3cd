/**
 * The libvirt driver's guests without a host: the domain XML a DomainSpec becomes (NFS network
 * disks with an identity on every chain layer, local file disks, the guest bridge, the logged serial
 * console, no balloon, escaping), checked against libvirt's own schema when virt-xml-validate is
 * installed; and the virsh commands each method runs, against a scripted virsh.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DomainSpec } from "@flarestack/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleLogPath, diskXml, domainXml, escapeXml } from "../../relay-agent/src/drivers/domain-xml.ts";
import { DriverError } from "../../relay-agent/src/drivers/driver.ts";
import { libvirtVmMethods, migrateUriFor, parseBlockTargets } from "../../relay-agent/src/drivers/libvirt-vm.ts";
import { ExecError } from "../../relay-agent/src/exec.ts";

const run = promisify(execFile);
// virt-xml-validate (libvirt-clients) runs xmllint (libxml2-utils) with libvirt's RelaxNG schemas.
const hasValidator = await run("sh", ["-c", "command -v virt-xml-validate && command -v xmllint"]).then(
	() => true,
	() => false,
);

const VM = "7b4f5c1e-9a3d-4e2b-8c1f-0d2e3f4a5b6c";
const VOL = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const nfs = { kind: "nfs" as const, server: "10.0.0.5", path: "/export/primary" };

const spec = DomainSpec.parse({
	uuid: VM,
	name: "i-7b4f5c1e9a3d-VM",
	type: "qemu",
	vcpus: 2,
	cpuShares: 1000,
	memoryMiB: 256,
	bootCdrom: false,
	disks: [
		{
			volumeId: VOL,
			device: "disk",
			bus: "virtio",
			target: "vda",
			store: nfs,
			path: `${VOL}.qcow2`,
			format: "QCOW2",
			chain: [{ path: "template-t.qcow2", format: "QCOW2" }],
			readonly: false,
		},
		{
			volumeId: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
			device: "disk",
			bus: "virtio",
			target: "vdb",
			store: { kind: "local", path: "/var/lib/pool's & <dir>" },
			path: "data.qcow2",
			format: "QCOW2",
			chain: [],
			readonly: false,
		},
		{
			volumeId: VM,
			device: "cdrom",
			bus: "ide",
			target: "hdd",
			store: nfs,
			path: `configdrive-${VM}.iso`,
			format: "RAW",
			chain: [],
			readonly: true,
		},
	],
	nics: [{ mac: "02:00:0a:0b:0c:0d", model: "virtio" }],
});

describe("domain XML", () => {
	const xml = domainXml(spec, { guestBridge: "cloudbr0" });

	it("has the spec's identity, sizes, devices and the fixed parts", () => {
		expect(xml).toContain("<domain type='qemu'><name>i-7b4f5c1e9a3d-VM</name>");
		expect(xml).toContain(`<uuid>${VM}</uuid>`);
		expect(xml).toContain("<memory unit='MiB'>256</memory>");
		expect(xml).toContain("<vcpu placement='static'>2</vcpu><cputune><shares>1000</shares></cputune>");
		expect(xml).toContain("<os><type arch='x86_64' machine='pc'>hvm</type></os>");
		// The root disk boots, by its own order (not the firmware's first disk: data disks come and go).
		expect(xml).toContain("<target dev='vda' bus='virtio'/><boot order='1'/>");
		expect(xml.match(/<boot /g)).toHaveLength(1);
		expect(xml).toContain(
			"<interface type='bridge'><mac address='02:00:0a:0b:0c:0d'/><source bridge='cloudbr0'/><model type='virtio'/></interface>",
		);
		expect(xml).toContain(
			"<serial type='pty'><log file='/var/log/libvirt/qemu/i-7b4f5c1e9a3d-VM-console.log' append='off'/><target port='0'/></serial>",
		);
		expect(xml).toContain("<console type='pty'><target type='serial' port='0'/></console>");
		expect(xml).toContain("<memballoon model='none'/>");
		expect(consoleLogPath(spec.name)).toBe("/var/log/libvirt/qemu/i-7b4f5c1e9a3d-VM-console.log");
	});

	it("names NFS disks as network disks with an identity on every layer of the chain", () => {
		const root = diskXml(spec.disks[0] as DomainSpec["disks"][number]).text;
		const source = (file: string) =>
			`<source protocol='nfs' name='/export/primary/${file}'><host name='10.0.0.5'/><identity user='root' group='root'/></source>`;
		expect(root).toBe(
			"<disk type='network' device='disk'><driver name='qemu' type='qcow2'/>" +
				source(`${VOL}.qcow2`) +
				`<backingStore type='network'><format type='qcow2'/>${source("template-t.qcow2")}<backingStore/></backingStore>` +
				"<target dev='vda' bus='virtio'/><serial>0a1b2c3d4e5f4a6b8c7d</serial></disk>",
			// Alone (attach-device) it has no boot order.
		);
		const cdrom = diskXml(spec.disks[2] as DomainSpec["disks"][number]).text;
		expect(cdrom).toContain("<disk type='network' device='cdrom'><driver name='qemu' type='raw'/>");
		expect(cdrom).toContain("<target dev='hdd' bus='ide'/><readonly/></disk>");
	});

	it("escapes every value (a local pool path with quotes, & and <)", () => {
		expect(xml).toContain(
			"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/pool&#39;s &#38; &#60;dir&#62;/data.qcow2'/><backingStore/>",
		);
		expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
	});

	it("boots from the cdrom first when asked", () => {
		const iso = domainXml({ ...spec, bootCdrom: true }, { guestBridge: "br1" });
		expect(iso).toContain("<target dev='hdd' bus='ide'/><boot order='1'/>");
		expect(iso).toContain("<target dev='vda' bus='virtio'/><boot order='2'/>");
	});

	describe.skipIf(!hasValidator)("against libvirt's schema (virt-xml-validate)", () => {
		let dir: string;
		beforeAll(async () => {
			dir = await mkdtemp(path.join(tmpdir(), "vm-xml-"));
		});
		afterAll(async () => {
			await rm(dir, { recursive: true, force: true });
		});
		it("is a valid domain", async () => {
			await writeFile(path.join(dir, "domain.xml"), xml);
			await run("virt-xml-validate", [path.join(dir, "domain.xml"), "domain"]);
			await writeFile(path.join(dir, "boot-cdrom.xml"), domainXml({ ...spec, bootCdrom: true }, { guestBridge: "b" }));
			await run("virt-xml-validate", [path.join(dir, "boot-cdrom.xml"), "domain"]);
		});
	});
});

/** A scripted virsh: answers by the first word of the command, records every call. */
function scripted(answers: Record<string, (args: string[]) => string>) {
	const calls: string[][] = [];
	const methods = libvirtVmMethods(async (uri, args) => {
		calls.push([uri, ...args]);
		const key = args[0]?.split(" ")[0] ?? "";
		const answer = answers[key];
		if (!answer) throw new ExecError("failed", `error: unexpected virsh ${key}`);
		return answer(args);
	});
	return { calls, methods };
}

const MARK = "@@flarestack-domains@@";
const listing = (...rows: [string, string, string][]) =>
	`${rows.map(([uuid, name]) => `${uuid} ${name}`).join("\n")}\n${MARK}\n Id   Name   State\n----------------------\n${rows
		.map(([, name, state]) => ` 1    ${name}   ${state}`)
		.join("\n")}\n`;
const options = { timeoutMs: 5000 };
const NAME = "i-7b4f5c1e9a3d-VM";

describe("libvirt guest methods (scripted virsh)", () => {
	it("start creates a transient domain once; a running one is left alone", async () => {
		let running = false;
		const { calls, methods } = scripted({
			list: () => (running ? listing([VM, NAME, "running"]) : listing()),
			create: () => {
				running = true;
				return "Domain created";
			},
		});
		expect(await methods.startDomain("qemu+tcp://h1/system", spec, { guestBridge: "cloudbr0" }, options)).toEqual({
			uuid: VM,
			name: NAME,
			state: "running",
		});
		expect(calls.map((c) => c[1]?.split(" ")[0])).toEqual(["list", "create", "list"]);
		expect(calls[1]?.[2]).toMatch(/device\.xml$/);
		await methods.startDomain("qemu+tcp://h1/system", spec, { guestBridge: "cloudbr0" }, options);
		expect(calls).toHaveLength(4); // one list, no second create
	});

	it("stop: shutdown, wait up to the grace period, then destroy; a missing guest is stopped", async () => {
		const { calls, methods } = scripted({
			shutdown: () => "",
			list: () => listing([VM, NAME, "running"]),
			destroy: () => "",
		});
		await methods.stopDomain("qemu+tcp://h1/system", NAME, 600, options);
		const words = calls.map((c) => c[1]?.split(" ")[0]);
		expect(words[0]).toBe("shutdown");
		expect(words.at(-1)).toBe("destroy");
		expect(words.filter((w) => w === "list").length).toBeGreaterThanOrEqual(1);

		const gone = scripted({
			destroy: () => {
				throw new ExecError("failed", "error: failed to get domain 'x'");
			},
			list: () => listing(),
		});
		await gone.methods.stopDomain("qemu+tcp://h1/system", NAME, 0, options);
		expect(gone.calls.map((c) => c[1])).toEqual(["destroy", expect.stringMatching(/^list/)]);
	});

	it("migrates live with --unsafe to the target's URI and its address as migrateuri", async () => {
		let moved = false;
		const calls: string[][] = [];
		// Per-host listings: the guest is on the source until the migrate call, then on the target.
		const perHost = libvirtVmMethods(async (uri, args) => {
			calls.push([uri, ...args]);
			if (args[0]?.startsWith("list")) {
				const onTarget = uri.includes("10.99.0.12");
				return moved === onTarget ? listing([VM, NAME, "running"]) : listing();
			}
			if (args[0] === "migrate") moved = true;
			return "";
		});
		const arrived = await perHost.migrateDomain(
			"qemu+tcp://10.99.0.11/system",
			NAME,
			{ uri: "qemu+tcp://10.99.0.12/system" },
			options,
		);
		expect(arrived).toEqual({ uuid: VM, name: NAME, state: "running" });
		expect(calls.find((c) => c[1] === "migrate")).toEqual([
			"qemu+tcp://10.99.0.11/system",
			"migrate",
			"--live",
			"--unsafe",
			NAME,
			"qemu+tcp://10.99.0.12/system",
			"--migrateuri",
			"tcp://10.99.0.12",
		]);
		const before = calls.length;
		await perHost.migrateDomain("qemu+tcp://10.99.0.11/system", NAME, { uri: "qemu+tcp://10.99.0.12/system" }, options);
		expect(calls.slice(before).some((c) => c[1] === "migrate")).toBe(false); // resent: already there
		expect(migrateUriFor("qemu+ssh://root@kvm2/system")).toBe("tcp://kvm2");
		expect(() => migrateUriFor("qemu:///system")).toThrow(DriverError);
	});

	it("hot-plugs a disk once and unplugs by target", async () => {
		let attached = false;
		const { calls, methods } = scripted({
			domblklist: () =>
				` Target   Source\n------------------------\n vda      /p/root.qcow2\n${attached ? " vdb      /p/d.qcow2\n" : ""}`,
			"attach-device": () => {
				attached = true;
				return "";
			},
			"detach-disk": () => "",
		});
		const disk = spec.disks[1] as DomainSpec["disks"][number];
		await methods.attachDisk("qemu:///system", NAME, disk, options);
		await methods.attachDisk("qemu:///system", NAME, disk, options);
		expect(calls.filter((c) => c[1] === "attach-device")).toHaveLength(1);
		expect(calls.find((c) => c[1] === "attach-device")?.slice(-1)).toEqual(["--live"]);
		await methods.detachDisk("qemu:///system", NAME, "vdb", options);
		expect(calls.at(-1)).toEqual(["qemu:///system", "detach-disk", NAME, "vdb", "--live"]);
		attached = false;
		await methods.detachDisk("qemu:///system", NAME, "vdb", options);
		expect(calls.at(-1)?.[1]).toBe("domblklist");
		expect(parseBlockTargets(" Target   Source\n-----\n vda  -\n hdc  -\n")).toEqual(["vda", "hdc"]);
	});

	it("maps virsh failures: no link → unreachable, a refusal → failed", async () => {
		const down = libvirtVmMethods(async () => {
			throw new ExecError("failed", "error: failed to connect to the hypervisor; unable to connect to server");
		});
		await expect(down.listDomains("qemu+tcp://h/system", options)).rejects.toMatchObject({ code: "unreachable" });
		const refused = scripted({
			list: () => listing(),
			create: () => {
				throw new ExecError("failed", "error: Cannot get interface MTU on 'cloudbr0': No such device");
			},
		});
		await expect(
			refused.methods.startDomain("qemu:///system", spec, { guestBridge: "cloudbr0" }, options),
		).rejects.toMatchObject({ code: "failed", message: expect.stringContaining("cloudbr0") });
	});
});
