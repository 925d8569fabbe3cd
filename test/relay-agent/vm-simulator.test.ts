/**
 * The guest commands on the simulator: vm.* through the agent's handlers and host registry (events
 * for every change, the domain watch reporting a killed guest as shutoff), volume.* on the simulated
 * stores, and guests surviving an agent restart through the state file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
	type CommandName,
	type Domain,
	type DomainSpec,
	parseCommandResult,
	type StoreLocation,
} from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CommandContext, CommandError } from "../../relay-agent/src/dispatcher.ts";
import { driverFor, siteDrivers, vmDriverFor } from "../../relay-agent/src/drivers/index.ts";
import { vmHandlers } from "../../relay-agent/src/handlers/vm.ts";
import { simulatorVolumeHandlers } from "../../relay-agent/src/handlers/volume.ts";
import { Hosts } from "../../relay-agent/src/hosts.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";
import { SimulatedStorage } from "../../relay-agent/src/templates/simulator.ts";

const H1 = "11111111-1111-4111-8111-111111111111";
const H2 = "22222222-2222-4222-8222-222222222222";
const VM = "7b4f5c1e-9a3d-4e2b-8c1f-0d2e3f4a5b6c";
const VOL = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const pool: StoreLocation = { kind: "nfs", server: "10.0.0.5", path: "/export/primary" };
const secondary: StoreLocation = { kind: "nfs", server: "10.0.0.5", path: "/export/secondary" };
const GIB = 1024 ** 3;

const context = (): CommandContext => ({
	signal: new AbortController().signal,
	deadline: Date.now() + 10_000,
	remainingMs: () => 10_000,
	progress: () => {},
});

const spec = (name = "i-7b4f5c1e9a3d-VM", uuid = VM): DomainSpec => ({
	uuid,
	name,
	type: "qemu",
	vcpus: 1,
	cpuShares: 500,
	memoryMiB: 128,
	bootCdrom: false,
	disks: [
		{
			volumeId: VOL,
			device: "disk",
			bus: "virtio",
			target: "vda",
			store: pool,
			path: `${VOL}.qcow2`,
			format: "QCOW2",
			chain: [{ path: "template-x.qcow2", format: "QCOW2" }],
			readonly: false,
		},
	],
	nics: [{ mac: "02:00:0a:0b:0c:0d", model: "virtio" }],
});

/** The result passes the protocol's own check, as the dispatcher would run it. */
function checked<N extends CommandName>(name: N, result: unknown) {
	const parsed = parseCommandResult(name, result);
	expect(parsed.ok, parsed.ok ? "" : parsed.error).toBe(true);
	return result;
}

let dir: string;
let control: string;
let events: { hostId: string; domain: Domain }[];
let store: StateStore;

beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "vm-sim-"));
	control = path.join(dir, "h1.json");
	events = [];
	store = new StateStore(path.join(dir, "state.json"), undefined, 10);
});
afterEach(async () => {
	await store.flush(); // a batched write must not land while the directory is being removed
	await new Promise((resolve) => setTimeout(resolve, 50)); // nor one from a poll still in flight
	await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

function site(state = store) {
	const drivers = siteDrivers();
	const vmDrivers = vmDriverFor("simulator", drivers);
	const hosts = new Hosts({
		store: state,
		drivers: driverFor("simulator", drivers),
		vmDrivers,
		log: silentLogger,
		onChange: () => {},
		onDomain: (hostId, domain) => events.push({ hostId, domain }),
		pollMs: 30,
		probeTimeoutMs: 500,
	});
	const drives: string[] = [];
	const handlers = vmHandlers({
		hosts,
		drivers: vmDrivers,
		settings: { guestBridge: "cloudbr0" },
		writeConfigDrive: async (drive) => {
			drives.push(drive.path);
		},
	});
	return { drivers, hosts, handlers, drives };
}

describe("vm.* on the simulator", () => {
	it("starts, reboots, migrates and stops a guest, with an event for every change", async () => {
		const { hosts, handlers, drives } = site();
		await hosts.connect(H1, `sim://h1?latency=2&control=${encodeURIComponent(control)}`);
		await hosts.connect(H2, "sim://h2?latency=2");
		const name = "i-7b4f5c1e9a3d-VM";

		const withDrive = {
			...spec(),
			configDrive: { store: pool, path: `configdrive-${VM}.iso`, files: [{ name: "openstack/latest/x", base64: "" }] },
		};
		const started = await handlers["vm.start"]({ hostId: H1, domain: withDrive }, context());
		expect(checked("vm.start", started)).toEqual({ uuid: VM, name, state: "running" });
		expect(drives).toEqual([`configdrive-${VM}.iso`]);
		expect(events).toEqual([{ hostId: H1, domain: { uuid: VM, name, state: "running" } }]);
		expect(hosts.get(H1)?.domains).toEqual([{ uuid: VM, name, state: "running" }]);
		// A resent start finds it running: no second guest, no event.
		expect(await handlers["vm.start"]({ hostId: H1, domain: spec() }, context())).toEqual(started);
		expect(events).toHaveLength(1);

		expect(checked("vm.reboot", await handlers["vm.reboot"]({ hostId: H1, name }, context()))).toEqual(started);

		const moved = await handlers["vm.migrate"]({ hostId: H1, name, targetHostId: H2 }, context());
		expect(checked("vm.migrate", moved)).toEqual(started);
		expect(hosts.get(H1)?.domains).toEqual([]);
		expect(hosts.get(H2)?.domains).toEqual([{ uuid: VM, name, state: "running" }]);
		expect(events.slice(1)).toEqual([
			{ hostId: H2, domain: { uuid: VM, name, state: "running" } },
			{ hostId: H1, domain: { uuid: VM, name, state: "shutoff" } },
		]);
		// Resent after it arrived: success, nothing moves.
		expect(await handlers["vm.migrate"]({ hostId: H1, name, targetHostId: H2 }, context())).toEqual(started);
		await expect(handlers["vm.migrate"]({ hostId: H2, name, targetHostId: H2 }, context())).rejects.toMatchObject({
			code: "invalid",
		});

		const disk = { ...spec().disks[0], target: "vdb", volumeId: VOL } as DomainSpec["disks"][number];
		expect(checked("vm.attachDisk", await handlers["vm.attachDisk"]({ hostId: H2, name, disk }, context()))).toEqual(
			{},
		);
		expect(await handlers["vm.detachDisk"]({ hostId: H2, name, target: "vdb" }, context())).toEqual({});

		expect(checked("vm.stop", await handlers["vm.stop"]({ hostId: H2, name, graceMs: 100 }, context()))).toEqual({});
		expect(hosts.get(H2)?.domains).toEqual([]);
		expect(events.at(-1)).toEqual({ hostId: H2, domain: { uuid: VM, name, state: "shutoff" } });
		// Stopping what is not there is success; rebooting it is a failure.
		expect(await handlers["vm.stop"]({ hostId: H2, name, graceMs: 0 }, context())).toEqual({});
		await expect(handlers["vm.reboot"]({ hostId: H2, name }, context())).rejects.toThrow(/no running guest/);
	});

	it("refuses unknown hosts and reports a down host as unreachable", async () => {
		const { hosts, handlers } = site();
		await expect(handlers["vm.start"]({ hostId: H1, domain: spec() }, context())).rejects.toBeInstanceOf(CommandError);
		await expect(handlers["vm.start"]({ hostId: H1, domain: spec() }, context())).rejects.toMatchObject({
			code: "invalid",
		});
		await hosts.connect(H1, `sim://h1?control=${encodeURIComponent(control)}`);
		await writeFile(control, JSON.stringify({ down: true, text: "power cut" }));
		await expect(handlers["vm.start"]({ hostId: H1, domain: spec() }, context())).rejects.toMatchObject({
			code: "unreachable",
			message: "h1: power cut",
		});
	});

	it("the domain watch reports a guest killed on the host as shutoff, within a poll", async () => {
		const { hosts, handlers } = site();
		await hosts.connect(H1, `sim://h1?control=${encodeURIComponent(control)}`);
		const name = "i-7b4f5c1e9a3d-VM";
		await handlers["vm.start"]({ hostId: H1, domain: spec() }, context());
		hosts.startPolling();
		try {
			await writeFile(control, JSON.stringify({ killed: [name] }));
			await until(() => events.length === 2);
			expect(events[1]).toEqual({ hostId: H1, domain: { uuid: VM, name, state: "shutoff" } });
			expect(hosts.get(H1)?.domains).toEqual([]);
		} finally {
			hosts.stopPolling();
		}
	});

	it("drops a listing that began before a command's change (no false shutoff)", async () => {
		const drivers = siteDrivers();
		const sim = vmDriverFor("simulator", drivers);
		const gate: { release?: (domains: Domain[]) => void } = {};
		/** Answers the listing in flight with `domains`. */
		const answer = (domains: Domain[]) => {
			const release = gate.release;
			gate.release = undefined;
			release?.(domains);
		};
		const hosts = new Hosts({
			store,
			drivers: driverFor("simulator", drivers),
			// A listing that answers only when the test says, with the (stale) list the test gives.
			vmDrivers: (uri) => ({
				...sim(uri),
				listDomains: () =>
					new Promise<Domain[]>((resolve) => {
						gate.release = resolve;
					}),
			}),
			log: silentLogger,
			onChange: () => {},
			onDomain: (hostId, domain) => events.push({ hostId, domain }),
			pollMs: 10,
		});
		await hosts.connect(H1, "sim://h1");
		hosts.startPolling();
		try {
			await until(() => gate.release !== undefined);
			const running: Domain = { uuid: VM, name: "i-7b4f5c1e9a3d-VM", state: "running" };
			hosts.noteDomain(H1, running);
			answer([]); // listed before the guest started
			await until(() => gate.release !== undefined); // the next poll began: the stale one was handled
			expect(events).toEqual([{ hostId: H1, domain: running }]);
			expect(hosts.get(H1)?.domains).toEqual([running]);
			answer([]); // a current listing without it: now it did vanish
			await until(() => events.length === 2);
			expect(events[1]).toEqual({ hostId: H1, domain: { ...running, state: "shutoff" } });
		} finally {
			hosts.stopPolling();
		}
	});

	it("keeps its guests across an agent restart (the state file)", async () => {
		const first = site();
		const uri = "sim://h1?domains=1";
		await first.hosts.connect(H1, uri);
		await first.handlers["vm.start"]({ hostId: H1, domain: spec() }, context());
		expect(first.hosts.get(H1)?.domains).toHaveLength(2);
		await store.flush();

		const { store: reopened } = await StateStore.open(path.join(dir, "state.json"));
		const second = site(reopened);
		for (const { uri: known, host } of Object.values(reopened.data.hosts)) {
			second.drivers.simulator.restore(known, host.domains);
		}
		const domains = await second.drivers.simulator.listDomains(uri, { timeoutMs: 1000 });
		expect(domains.map((d) => d.name).sort()).toEqual(["h1-vm1", "i-7b4f5c1e9a3d-VM"]);
	});
});

describe("volume.* on the simulator", () => {
	it("creates, grows and copies volumes, refusing a shrink and a different file at the path", async () => {
		const storage = new SimulatedStorage();
		const volumes = simulatorVolumeHandlers(storage);
		const args = { store: pool, path: `${VOL}.qcow2`, sizeBytes: 5 * GIB };
		const created = await volumes["volume.create"](args, context());
		expect(checked("volume.create", created)).toMatchObject({ path: args.path, format: "QCOW2", sizeBytes: 5 * GIB });
		expect(await volumes["volume.create"](args, context())).toEqual(created);
		await expect(volumes["volume.create"]({ ...args, sizeBytes: GIB }, context())).rejects.toMatchObject({
			code: "conflict",
		});

		const grown = await volumes["volume.resize"]({ ...args, sizeBytes: 8 * GIB }, context());
		expect(checked("volume.resize", grown)).toMatchObject({ sizeBytes: 8 * GIB });
		await expect(volumes["volume.resize"]({ ...args, sizeBytes: GIB }, context())).rejects.toThrow("cannot shrink");

		const target = { store: secondary, path: `snapshots/a/${VOL}/s.qcow2` };
		const copied = await volumes["volume.copy"]({ source: { store: pool, path: args.path }, target }, context());
		expect(checked("volume.copy", copied)).toMatchObject({ path: target.path, sizeBytes: 8 * GIB });
		expect(storage.files(secondary).has(target.path)).toBe(true);
		await expect(
			volumes["volume.copy"]({ source: { store: pool, path: "missing.qcow2" }, target }, context()),
		).rejects.toMatchObject({ code: "invalid" });
	});
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error("timed out waiting");
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
