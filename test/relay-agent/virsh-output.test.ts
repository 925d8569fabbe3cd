/**
 * The virsh parsers against output captured from `virsh -c test:///default …` (libvirt 9.0.0,
 * LC_ALL=C) and from a QEMU/KVM host, and the libvirt driver against test:///default itself when
 * virsh is installed.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { libvirtDriver } from "../../relay-agent/src/drivers/libvirt.ts";
import {
	decideDomainType,
	parseDomains,
	parseHostname,
	parseHypervisorVersion,
	parseNodeInfo,
} from "../../relay-agent/src/drivers/virsh-output.ts";

const TEST_NODEINFO = `CPU model:           i686
CPU(s):              16
CPU frequency:       1400 MHz
CPU socket(s):       2
Core(s) per socket:  2
Thread(s) per core:  2
NUMA cell(s):        2
Memory size:         3145728 KiB

`;

const QEMU_NODEINFO = `CPU model:           x86_64
CPU(s):              8
CPU frequency:       2593 MHz
CPU socket(s):       1
Core(s) per socket:  4
Thread(s) per core:  2
NUMA cell(s):        1
Memory size:         16318412 KiB
`;

const TEST_VERSION = `Compiled against library: libvirt 9.0.0
Using library: libvirt 9.0.0
Using API: TEST 9.0.0
Running hypervisor: TEST 0.0.2

`;

const QEMU_VERSION = `Compiled against library: libvirt 9.0.0
Using library: libvirt 9.0.0
Using API: QEMU 9.0.0
Running hypervisor: QEMU 7.2.0
`;

const TEST_LIST_UUID_NAME = "6695eb01-f6a4-8304-79aa-97f2502e193f test\n\n";
const TEST_LIST_TABLE = ` Id   Name   State
----------------------
 1    test   running

`;

const MIXED_LIST_UUID_NAME = `6695eb01-f6a4-8304-79aa-97f2502e193f web-1
2b1a8b34-0c7e-4f4e-9a6b-2f6a8c0f2d11 db 2
8c6f5d2e-1111-2222-3333-444455556666 stopped-vm
aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee paused-vm
`;
const MIXED_LIST_TABLE = ` Id   Name         State
-----------------------------
 1    web-1        running
 2    db 2         in shutdown
 -    stopped-vm   shut off
 4    paused-vm    paused
 -    only-here    shut off
`;

const TEST_CAPABILITIES = `<capabilities>
  <host>
    <cpu>
      <arch>i686</arch>
      <features>
        <pae/>
        <nonpae/>
      </features>
    </cpu>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='i686'>
      <domain type='test'/>
    </arch>
  </guest>
</capabilities>
`;

function qemuCapabilities({ kvm, hostFeature }: { kvm: boolean; hostFeature?: string }) {
	return `<capabilities>
  <host>
    <uuid>4c4c4544-0034-4810-8057-b4c04f4e3432</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>Skylake-Client-noTSX-IBRS</model>
      <vendor>Intel</vendor>
      <topology sockets='1' dies='1' cores='4' threads='2'/>
      <feature name='ds'/>
      <feature name='acpi'/>
      ${hostFeature ? `<feature name='${hostFeature}'/>` : ""}
      <feature name='ss'/>
      <pages unit='KiB' size='4'/>
    </cpu>
    <migration_features><live/></migration_features>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <machine maxCpus='255'>pc-i440fx-7.2</machine>
      <domain type='qemu'/>
      ${kvm ? "<domain type='kvm'/>" : ""}
    </arch>
    <features>
      <cpuselection/>
      <!-- a guest feature named like a host one must not count -->
      <vmx/>
    </features>
  </guest>
</capabilities>
`;
}

describe("virsh output parsers", () => {
	it("reads nodeinfo: CPUs, MHz, memory in bytes", () => {
		expect(parseNodeInfo(TEST_NODEINFO)).toEqual({ cpuCount: 16, cpuMhz: 1400, memoryBytes: 3145728 * 1024 });
		expect(parseNodeInfo(QEMU_NODEINFO)).toEqual({ cpuCount: 8, cpuMhz: 2593, memoryBytes: 16318412 * 1024 });
		expect(() => parseNodeInfo("error: nothing\n")).toThrow(/nodeinfo/);
	});

	it("reads the hypervisor version", () => {
		expect(parseHypervisorVersion(TEST_VERSION)).toBe("0.0.2");
		expect(parseHypervisorVersion(QEMU_VERSION)).toBe("7.2.0");
		expect(parseHypervisorVersion("Using library: libvirt 9.0.0\n")).toBe("9.0.0");
		expect(() => parseHypervisorVersion("")).toThrow(/version/);
	});

	it("reads the host name", () => {
		expect(parseHostname("vm\n\n")).toBe("vm");
		expect(parseHostname("lab-h1\n")).toBe("lab-h1");
		expect(() => parseHostname("\n")).toThrow(/hostname/);
	});

	it("joins the uuid list and the state table by name", () => {
		expect(parseDomains(TEST_LIST_UUID_NAME, TEST_LIST_TABLE)).toEqual([
			{ uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", name: "test", state: "running" },
		]);
		expect(parseDomains(MIXED_LIST_UUID_NAME, MIXED_LIST_TABLE)).toEqual([
			{ uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", name: "web-1", state: "running" },
			{ uuid: "2b1a8b34-0c7e-4f4e-9a6b-2f6a8c0f2d11", name: "db 2", state: "shutdown" },
			{ uuid: "8c6f5d2e-1111-2222-3333-444455556666", name: "stopped-vm", state: "shutoff" },
			{ uuid: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", name: "paused-vm", state: "paused" },
		]);
		expect(parseDomains("\n", " Id   Name   State\n--------------------\n\n")).toEqual([]);
	});
});

describe("kvm or qemu", () => {
	it("is kvm only when libvirt offers kvm and the host CPU has vmx or svm", () => {
		expect(decideDomainType(qemuCapabilities({ kvm: true, hostFeature: "vmx" }))).toBe("kvm");
		expect(decideDomainType(qemuCapabilities({ kvm: true, hostFeature: "svm" }))).toBe("kvm");
	});

	it("is qemu when libvirt offers kvm but the CPU has no vmx/svm (e.g. a PVM /dev/kvm, host-lab.md §2)", () => {
		expect(decideDomainType(qemuCapabilities({ kvm: true }))).toBe("qemu");
	});

	it("is qemu when libvirt does not offer kvm, whatever the CPU", () => {
		expect(decideDomainType(qemuCapabilities({ kvm: false, hostFeature: "vmx" }))).toBe("qemu");
		expect(decideDomainType(TEST_CAPABILITIES)).toBe("qemu");
		expect(decideDomainType("")).toBe("qemu");
	});
});

const hasVirsh = (() => {
	try {
		execFileSync("virsh", ["--version"], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
})();

describe.skipIf(!hasVirsh)("libvirt driver against test:///default", () => {
	const driver = libvirtDriver();

	it("reads the test host's facts in one virsh run", async () => {
		const facts = await driver.connect("test:///default", { timeoutMs: 10_000 });
		expect(facts).toEqual({
			name: "vm",
			cpuCount: 16,
			cpuMhz: 1400,
			memoryBytes: 3145728 * 1024,
			hypervisorVersion: expect.stringMatching(/^\d+(\.\d+)+$/),
			domainType: "qemu",
			domains: [{ uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", name: "test", state: "running" }],
		});
	});

	it("probes: up for test:///default, down with virsh's reason for a dead libvirtd", async () => {
		expect(await driver.probe("test:///default", { timeoutMs: 10_000 })).toEqual({ up: true });
		const down = await driver.probe("qemu+tcp://127.0.0.1:1/system", { timeoutMs: 10_000 });
		expect(down.up).toBe(false);
		expect(down.up === false && down.text).toMatch(/connect/i);
	});

	it("connect to a dead libvirtd fails as unreachable", async () => {
		await expect(driver.connect("qemu+tcp://127.0.0.1:1/system", { timeoutMs: 10_000 })).rejects.toMatchObject({
			code: "unreachable",
		});
	});

	it("a missing virsh is an unreachable host, not a crash", async () => {
		const missing = libvirtDriver({ virsh: "virsh-that-does-not-exist" });
		await expect(missing.connect("test:///default", { timeoutMs: 5000 })).rejects.toMatchObject({
			code: "unreachable",
		});
		expect((await missing.probe("test:///default", { timeoutMs: 5000 })).up).toBe(false);
	});
});
