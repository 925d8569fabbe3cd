import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Host } from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { driverFor } from "../../relay-agent/src/drivers/index.ts";
import { parseSimUri, simulatorDriver, stableUuid } from "../../relay-agent/src/drivers/simulator.ts";
import { type HostStateChange, Hosts } from "../../relay-agent/src/hosts.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";

const call = { timeoutMs: 4000 };

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-sim-"));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("simulator driver", () => {
	const sim = simulatorDriver();

	it("takes the host's facts from its URI", async () => {
		const facts = await sim.connect("sim://kvm7?cpus=32&mhz=3100&memory=256G&domains=3&type=qemu", call);
		expect(facts).toMatchObject({
			name: "kvm7",
			cpuCount: 32,
			cpuMhz: 3100,
			memoryBytes: 256 * 1024 ** 3,
			hypervisorVersion: "1.0.0",
			domainType: "qemu",
		});
		expect(facts.domains.map((d) => d.name)).toEqual(["kvm7-vm1", "kvm7-vm2", "kvm7-vm3"]);
		// Stable ids: the same host gives the same domains after a restart.
		const again = await sim.connect("sim://kvm7?domains=3", call);
		expect(again.domains.map((d) => d.uuid)).toEqual(facts.domains.map((d) => d.uuid));
		expect(stableUuid("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it("has defaults and refuses nonsense", () => {
		expect(parseSimUri("sim://h1")).toMatchObject({
			name: "h1",
			cpuCount: 8,
			cpuMhz: 2400,
			memoryBytes: 16 * 1024 ** 3,
			domainType: "kvm",
		});
		expect(parseSimUri("sim://h1?memory=512M").memoryBytes).toBe(512 * 1024 ** 2);
		expect(parseSimUri("sim://h1?memory=1000").memoryBytes).toBe(1000);
		expect(() => parseSimUri("sim://h1?cpus=many")).toThrow(/cpus/);
		expect(() => parseSimUri("sim://h1?fail=sometimes")).toThrow(/fail/);
	});

	it("fails on demand: fail=connect, fail=probe, latency over the timeout", async () => {
		await expect(sim.connect("sim://h?fail=connect", call)).rejects.toMatchObject({ code: "unreachable" });
		expect((await sim.probe("sim://h?fail=connect", call)).up).toBe(false);
		await expect(sim.connect("sim://h?fail=probe", call)).resolves.toMatchObject({ name: "h" });
		expect(await sim.probe("sim://h?fail=probe", call)).toEqual({ up: false, text: "h: simulated probe failure" });
		await expect(sim.connect("sim://h?latency=500", { timeoutMs: 50 })).rejects.toMatchObject({ code: "timeout" });
		expect((await sim.probe("sim://h?latency=500", { timeoutMs: 50 })).up).toBe(false);
		expect(await sim.probe("sim://h?latency=5", call)).toEqual({ up: true });
	});

	it("follows a control file read on every call", async () => {
		const control = path.join(dir, "h1.json");
		const uri = `sim://h1?control=${encodeURIComponent(control)}`;
		expect(await sim.probe(uri, call)).toEqual({ up: true }); // no file: up
		await writeFile(control, JSON.stringify({ down: true, text: "libvirtd stopped" }));
		expect(await sim.probe(uri, call)).toEqual({ up: false, text: "h1: libvirtd stopped" });
		await expect(sim.connect(uri, call)).rejects.toMatchObject({ code: "unreachable" });
		await writeFile(control, JSON.stringify({ down: false }));
		expect(await sim.probe(uri, call)).toEqual({ up: true });
	});

	it("is picked for sim:// URIs, and for every URI with the simulator config", () => {
		const libvirt = { connect: async () => ({}) as never, probe: async () => ({ up: true as const }) };
		const simulator = { ...libvirt };
		const pick = driverFor("libvirt", { libvirt, simulator });
		expect(pick("sim://h1")).toBe(simulator);
		expect(pick("qemu+tcp://10.0.0.5/system")).toBe(libvirt);
		expect(driverFor("simulator", { libvirt, simulator })("qemu+tcp://10.0.0.5/system")).toBe(simulator);
	});
});

describe("host registry and poller", () => {
	const hostId = "5f0c5b1e-2d3c-4b5a-8e9f-0a1b2c3d4e5f";

	function registry(store: StateStore, changes: HostStateChange[]) {
		return new Hosts({
			store,
			drivers: driverFor("simulator"),
			log: silentLogger,
			onChange: (change) => changes.push(change),
			pollMs: 50,
			probeTimeoutMs: 200,
		});
	}

	it("connects, persists id → URI, and reports Up↔Down changes of a watched host", async () => {
		const control = path.join(dir, "h1.json");
		const uri = `sim://h1?cpus=4&control=${encodeURIComponent(control)}`;
		const file = path.join(dir, "state.json");
		const store = new StateStore(file, undefined, 10);
		const changes: HostStateChange[] = [];
		const hosts = registry(store, changes);
		const host = await hosts.connect(hostId, uri);
		expect(Host.parse(host)).toMatchObject({ id: hostId, uri, name: "h1", state: "Up", cpuCount: 4 });
		hosts.startPolling();
		try {
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(changes).toEqual([]); // still up: no event

			await writeFile(control, JSON.stringify({ down: true, text: "gone" }));
			await until(() => changes.length === 1);
			expect(changes[0]).toEqual({ hostId, state: "Down", text: "h1: gone" });
			expect(hosts.get(hostId)?.state).toBe("Down");

			await writeFile(control, "{}");
			await until(() => changes.length === 2);
			expect(changes[1]).toMatchObject({ hostId, state: "Up" });
		} finally {
			hosts.stopPolling();
		}

		await store.flush();
		const { store: reopened } = await StateStore.open(file);
		expect(reopened.data.hosts[hostId]).toMatchObject({ uri, host: { id: hostId, name: "h1", state: "Up" } });
		const again = registry(reopened, []);
		expect(again.list().map((h) => h.id)).toEqual([hostId]);

		expect(again.forget(hostId)).toBe(true);
		expect(again.list()).toEqual([]);
		expect(again.forget(hostId)).toBe(false);
	});

	it("does not keep a host it could not reach; refresh of an unknown id is undefined", async () => {
		const store = new StateStore(path.join(dir, "state.json"));
		const hosts = registry(store, []);
		await expect(hosts.connect(hostId, "sim://h?fail=connect")).rejects.toMatchObject({ code: "unreachable" });
		expect(hosts.list()).toEqual([]);
		expect(await hosts.refresh(hostId)).toBeUndefined();
	});

	it("handles a thousand simulated hosts cheaply", async () => {
		const store = new StateStore(path.join(dir, "state.json"));
		const hosts = registry(store, []);
		const started = Date.now();
		await Promise.all(
			Array.from({ length: 1000 }, (_, i) =>
				hosts.connect(`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, `sim://h${i}?domains=5`),
			),
		);
		await hosts.probeAll();
		expect(hosts.list()).toHaveLength(1000);
		expect(hosts.list().every((h) => h.state === "Up" && h.domains.length === 5)).toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

async function until(condition: () => boolean, ms = 3000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error("condition not met in time");
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
