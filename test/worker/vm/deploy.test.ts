/**
 * deployVirtualMachine through the API with the fake agent: the job places the instance (host with
 * room, the cluster's pool), gives its NIC an address of the pod's range, clones the root disk from
 * the template's pool copy and starts the domain from a DomainSpec; capacity and events follow.
 * startvm=false creates the volumes only; a requested address is honoured; no capacity fails the job
 * with 533 and leaves nothing held; bad input fails at once.
 */
import type { CommandFrame } from "@flarestack/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	buildWorld,
	call,
	expectParamError,
	jobResult,
	listItems,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
import { expectError } from "../host/host-fixtures";
import {
	buildSite,
	commandsFor,
	createOffering,
	deployParams,
	type Obj,
	row,
	rows,
	type Site,
	vmAnswer,
} from "./vm-fixtures";

let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world, 2);
});

afterAll(() => site.agent.close());

beforeEach(() => {
	site.agent.onCommand = vmAnswer;
});

async function hostSums(): Promise<{ cpu: number; memory: number }> {
	const [sum] = await rows(
		"SELECT sum(cpu_allocated) AS cpu, sum(memory_allocated) AS memory FROM hosts WHERE cluster_id = ?",
		site.cluster.id,
	);
	return { cpu: sum.cpu ?? 0, memory: sum.memory ?? 0 };
}

async function poolAllocated(): Promise<number> {
	return (await row("storage_pools", site.pool.id)).allocated_bytes;
}

async function allocatedIps(): Promise<number> {
	const [r] = await rows("SELECT count(allocated_to) AS n FROM guest_ips WHERE pod_id = ?", site.pod.id);
	return r.n;
}

describe("deployVirtualMachine", () => {
	it("answers {id, jobid} and the job ends Running with address, host, template, offering, cpu and memory", async () => {
		const before = await hostSums();
		const since = site.agent.commands.length;
		const answer = ok(await call(world.alice, deployParams(site, { name: "web-1" })), "deployVirtualMachine");
		expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(answer.jobid).toMatch(/^[0-9a-f-]{36}$/);
		const job = await jobResult(
			world.alice,
			{ status: 200, body: { deployvirtualmachineresponse: answer } } as Obj,
			"deployVirtualMachine",
		);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		expect(job.jobinstancetype).toBe("VirtualMachine");
		expect(job.jobinstanceid).toBe(answer.id);
		const vm = job.jobresult.virtualmachine;
		expect(vm).toMatchObject({
			id: answer.id,
			name: "web-1",
			displayname: "web-1",
			state: "Running",
			account: world.alice.accountName,
			zoneid: site.zone.id,
			templateid: site.template.id,
			serviceofferingid: site.offering.id,
			cpunumber: 2,
			cpuspeed: 1000,
			memory: 1024,
			hypervisor: "KVM",
		});
		// A user's view: no host or libvirt name.
		expect(vm.hostid).toBeUndefined();
		expect(vm.instancename).toBeUndefined();
		expect(vm.nic).toHaveLength(1);
		expect(vm.nic[0].ipaddress).toMatch(new RegExp(`^${site.prefix.replaceAll(".", "\\.")}\\.1[0-2]\\d$`));
		expect(vm.nic[0]).toMatchObject({ gateway: `${site.prefix}.1`, netmask: "255.255.255.0", isdefault: true });
		expect(vm.nic[0].macaddress).toMatch(/^02:00(:[0-9a-f]{2}){4}$/);

		const admin = (
			await listItems(world.root, "listVirtualMachines", "virtualmachine", { id: vm.id, listall: "true" })
		)[0];
		expect(site.hostIds).toContain(admin.hostid);
		expect(admin.instancename).toBe(`i-${vm.id.replaceAll("-", "").slice(0, 12)}-VM`);

		const [root] = await rows("SELECT * FROM volumes WHERE vm_id = ? AND type = 'ROOT'", vm.id);
		expect(root).toMatchObject({ state: "Ready", pool_id: site.pool.id, path: `${root.id}.qcow2` });
		const [clone] = commandsFor(site.agent, "volume.clone", root.id, since);
		expect(clone?.args).toMatchObject({ backingPath: `template-${site.template.id}.qcow2`, path: `${root.id}.qcow2` });
		const [start] = commandsFor(site.agent, "vm.start", vm.id, since) as Extract<CommandFrame, { name: "vm.start" }>[];
		expect(start).toBeDefined();
		const spec = start?.args.domain;
		expect(spec).toMatchObject({ uuid: vm.id, vcpus: 2, memoryMiB: 1024, type: "kvm", bootCdrom: false });
		expect(spec?.disks[0]).toMatchObject({
			volumeId: root.id,
			target: "vda",
			path: `${root.id}.qcow2`,
			store: { kind: "nfs", server: "10.1.1.6", path: "/export/primary" },
			chain: [{ path: `template-${site.template.id}.qcow2`, format: "QCOW2" }],
		});
		expect(spec?.nics).toEqual([{ mac: vm.nic[0].macaddress, model: "virtio" }]);
		expect(spec?.configDrive?.path).toBe(`configdrive-${vm.id}.iso`);

		const after = await hostSums();
		expect(after.cpu - before.cpu).toBe(2000);
		expect(after.memory - before.memory).toBe(1024 * 1024 * 1024);
		expect(await poolAllocated()).toBeGreaterThanOrEqual(root.size_bytes);

		const events = await listItems(world.root, "listEvents", "event", { listall: "true", resourceid: vm.id });
		const types = events.map((e: Obj) => e.type);
		expect(types).toContain("VM.CREATE");
		expect(types).toContain("VM.START");
	});

	it("startvm=false creates the volumes and leaves the instance Stopped, with the requested address", async () => {
		const before = await hostSums();
		const since = site.agent.commands.length;
		const ip = `${site.prefix}.115`;
		const vm = (await runJob(world.alice, deployParams(site, { startvm: "false", ipaddress: ip }))).virtualmachine;
		expect(vm.state).toBe("Stopped");
		expect(vm.nic[0].ipaddress).toBe(ip);
		expect(commandsFor(site.agent, "vm.start", vm.id, since)).toHaveLength(0);
		const [root] = await rows("SELECT * FROM volumes WHERE vm_id = ?", vm.id);
		expect(root.state).toBe("Ready");
		expect(await hostSums()).toEqual(before);
		// Starting it later takes the host capacity.
		const started = (await runJob(world.alice, { command: "startVirtualMachine", id: vm.id })).virtualmachine;
		expect(started.state).toBe("Running");
		expect((await hostSums()).cpu - before.cpu).toBe(2000);
	});

	it("a data disk from a disk offering is created blank and attached as vdb", async () => {
		const disk = ok(
			await call(world.root, { command: "createDiskOffering", name: "d5", displaytext: "5 GB", disksize: "5" }),
			"createDiskOffering",
		).diskoffering;
		const since = site.agent.commands.length;
		const vm = (await runJob(world.alice, deployParams(site, { diskofferingid: disk.id }))).virtualmachine;
		const [data] = await rows("SELECT * FROM volumes WHERE vm_id = ? AND type = 'DATADISK'", vm.id);
		expect(data).toMatchObject({ state: "Ready", size_bytes: 5 * 1024 ** 3, device_id: 1 });
		expect(commandsFor(site.agent, "volume.create", data.id, since)[0]?.args).toMatchObject({
			sizeBytes: 5 * 1024 ** 3,
		});
		const start = commandsFor(site.agent, "vm.start", vm.id, since)[0] as Extract<CommandFrame, { name: "vm.start" }>;
		expect(start.args.domain.disks.map((d) => d.target)).toEqual(["vda", "vdb", "hdd"]);
	});

	it("no host with room: the job fails with 533 and nothing stays held (address, volumes, capacity, domain)", async () => {
		const huge = await createOffering(world, { memory: String(64 * 1024) });
		const [cpu, pool, ips] = [await hostSums(), await poolAllocated(), await allocatedIps()];
		const since = site.agent.commands.length;
		const result = await call(world.alice, deployParams(site, { serviceofferingid: huge.id }));
		const job = await jobResult(world.alice, result, "deployVirtualMachine");
		expect(job.jobstatus).toBe(2);
		expect(job.jobresultcode).toBe(533);
		expect(job.jobresult.errorcode).toBe(533);
		expect(job.jobresult.errortext).toMatch(/Unable to create a deployment/);
		const id = ok(result, "deployVirtualMachine").id;
		expect(await listItems(world.alice, "listVirtualMachines", "virtualmachine", { id })).toHaveLength(0);
		expect(await rows("SELECT * FROM volumes WHERE vm_id = ? AND removed IS NULL", id)).toHaveLength(0);
		expect(await hostSums()).toEqual(cpu);
		expect(await poolAllocated()).toBe(pool);
		expect(await allocatedIps()).toBe(ips);
		expect(commandsFor(site.agent, "vm.start", id, since)).toHaveLength(0);
	});

	it("the agent failing vm.start fails the job with its text and undoes everything", async () => {
		site.agent.onCommand = (frame, agent) =>
			frame.name === "vm.start"
				? { ok: false, error: { code: "failed", text: "qemu: could not open disk" } }
				: vmAnswer(frame, agent);
		const [cpu, pool, ips] = [await hostSums(), await poolAllocated(), await allocatedIps()];
		const since = site.agent.commands.length;
		const result = await call(world.alice, deployParams(site));
		const job = await jobResult(world.alice, result, "deployVirtualMachine");
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(530);
		expect(job.jobresult.errortext).toMatch(/qemu: could not open disk/);
		const id = ok(result, "deployVirtualMachine").id;
		expect(await hostSums()).toEqual(cpu);
		expect(await poolAllocated()).toBe(pool);
		expect(await allocatedIps()).toBe(ips);
		const [root] = await rows("SELECT * FROM volumes WHERE vm_id = ?", id);
		expect(root.removed).not.toBeNull();
		expect(commandsFor(site.agent, "store.remove", root.id, since).length).toBeGreaterThan(0);
	});

	it("a requested address already in use fails the job with 533", async () => {
		const ip = `${site.prefix}.116`;
		await runJob(world.alice, deployParams(site, { ipaddress: ip, startvm: "false" }));
		const job = await jobResult(
			world.alice,
			await call(world.alice, deployParams(site, { ipaddress: ip })),
			"deployVirtualMachine",
		);
		expect(job.jobstatus).toBe(2);
		expect(job.jobresult.errorcode).toBe(533);
		expect(job.jobresult.errortext).toMatch(/already in use/);
	});
});

describe("deployVirtualMachine from an ISO", () => {
	const fromIso = (extra: Record<string, string>) => {
		const params = deployParams(site, extra);
		delete params.templateid;
		return params;
	};

	it("boots from the ISO on secondary storage with a blank root disk of the disk offering", async () => {
		const iso = ok(
			await call(world.root, {
				command: "registerIso",
				name: "netinst",
				url: "https://images.example.com/netinst.iso",
				zoneid: site.zone.id,
				ispublic: "true",
				bootable: "true",
			}),
			"registerIso",
		).iso[0];
		const end = Date.now() + 5000;
		while (!(await listItems(world.root, "listIsos", "iso", { id: iso.id, isofilter: "all" }))[0]?.isready) {
			if (Date.now() > end) throw new Error("ISO never got ready");
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const disk = ok(
			await call(world.root, { command: "createDiskOffering", name: "d8", displaytext: "8 GB", disksize: "8" }),
			"createDiskOffering",
		).diskoffering;
		expectParamError(await call(world.alice, fromIso({ isoid: iso.id })), "deployVirtualMachine", /diskofferingid/);
		const since = site.agent.commands.length;
		const vm = (await runJob(world.alice, fromIso({ isoid: iso.id, diskofferingid: disk.id }))).virtualmachine;
		expect(vm).toMatchObject({ state: "Running", isoid: iso.id, templateid: "-1" });
		const [root] = await rows("SELECT * FROM volumes WHERE vm_id = ?", vm.id);
		expect(root).toMatchObject({ type: "ROOT", size_bytes: 8 * 1024 ** 3, template_id: null });
		expect(commandsFor(site.agent, "volume.create", root.id, since)).toHaveLength(1);
		const start = commandsFor(site.agent, "vm.start", vm.id, since)[0] as Extract<CommandFrame, { name: "vm.start" }>;
		expect(start.args.domain.bootCdrom).toBe(true);
		expect(start.args.domain.disks.map((d) => [d.device, d.target, d.readonly])).toEqual([
			["disk", "vda", false],
			["cdrom", "hdc", true],
			["cdrom", "hdd", true],
		]);
		expect(start.args.domain.disks[1]?.store).toMatchObject({ kind: "nfs", server: "10.1.1.5" });
	});
});

describe("deployVirtualMachine refuses bad input at once", () => {
	it("431 for an unknown template, offering, keypair, bad address, bad name or bad user data", async () => {
		expectParamError(
			await call(world.alice, deployParams(site, { templateid: crypto.randomUUID() })),
			"deployVirtualMachine",
		);
		expectParamError(
			await call(world.alice, deployParams(site, { serviceofferingid: crypto.randomUUID() })),
			"deployVirtualMachine",
		);
		expectParamError(
			await call(world.alice, deployParams(site, { keypair: "nope" })),
			"deployVirtualMachine",
			/key pair/,
		);
		expectParamError(await call(world.alice, deployParams(site, { ipaddress: "10.0.0.999" })), "deployVirtualMachine");
		expectParamError(await call(world.alice, deployParams(site, { name: "-bad-" })), "deployVirtualMachine");
		expectParamError(await call(world.alice, deployParams(site, { userdata: "%%%" })), "deployVirtualMachine");
	});

	it("431 for a root disk smaller than the template; 531 for a user in a disabled zone", async () => {
		expectParamError(
			await call(world.alice, deployParams(site, { rootdisksize: "1" })),
			"deployVirtualMachine",
			/smaller than template/,
		);
		ok(await call(world.root, { command: "updateZone", id: site.zone.id, allocationstate: "Disabled" }), "updateZone");
		try {
			expectError(await call(world.alice, deployParams(site)), "deployVirtualMachine", 531, /disabled/);
		} finally {
			ok(await call(world.root, { command: "updateZone", id: site.zone.id, allocationstate: "Enabled" }), "updateZone");
		}
	});

	it("531 when a user names the host; 431 for a host of another zone", async () => {
		expectError(
			await call(world.alice, deployParams(site, { hostid: site.hostIds[0] as string })),
			"deployVirtualMachine",
			531,
		);
		expectParamError(
			await call(world.root, deployParams(site, { hostid: crypto.randomUUID() })),
			"deployVirtualMachine",
		);
	});

	it("431 for a hostname already used in the network (any case), until that instance is expunged", async () => {
		const first = (await runJob(world.alice, deployParams(site, { name: "dup-name", startvm: "false" })))
			.virtualmachine;
		const before = (await rows("SELECT count(*) AS n FROM vm_instances WHERE removed IS NULL"))[0].n;
		expectParamError(
			await call(world.carol, deployParams(site, { name: "DUP-name" })),
			"deployVirtualMachine",
			/hostName DUP-name already exists in the network domain/,
		);
		expect((await rows("SELECT count(*) AS n FROM vm_instances WHERE removed IS NULL"))[0].n).toBe(before);
		await runJob(world.root, { command: "destroyVirtualMachine", id: first.id, expunge: "true" });
		const again = (await runJob(world.alice, deployParams(site, { name: "dup-name", startvm: "false" })))
			.virtualmachine;
		expect(again.name).toBe("dup-name");
	});

	it("a customized offering takes details[0].cpuNumber, cpuSpeed and memory (as clients send them), within its bounds", async () => {
		const custom = ok(
			await call(world.root, {
				command: "createServiceOffering",
				name: "custom-bounded",
				displaytext: "1-2 cores, 256-1024 MB",
				customized: "true",
				mincpunumber: "1",
				maxcpunumber: "2",
				minmemory: "256",
				maxmemory: "1024",
			}),
			"createServiceOffering",
		).serviceoffering;
		const sized = (n: string, mhz: string, mb: string) =>
			deployParams(site, {
				serviceofferingid: custom.id,
				startvm: "false",
				"details[0].cpuNumber": n,
				"details[0].cpuSpeed": mhz,
				"details[0].memory": mb,
			});
		expectParamError(await call(world.alice, sized("1", "500", "4096")), "deployVirtualMachine", /memory 4096/);
		expectParamError(await call(world.alice, sized("3", "500", "512")), "deployVirtualMachine", /cpuNumber 3/);
		expectParamError(
			await call(world.alice, deployParams(site, { serviceofferingid: custom.id })),
			"deployVirtualMachine",
			/details\[0\]\.cpuNumber/,
		);
		const vm = (await runJob(world.alice, sized("2", "500", "512"))).virtualmachine;
		expect([vm.cpunumber, vm.cpuspeed, vm.memory]).toEqual([2, 500, 512]);
	});

	it("the root admin may place it on a named host", async () => {
		const hostId = site.hostIds[1] as string;
		const vm = (await runJob(world.root, deployParams(site, { hostid: hostId }))).virtualmachine;
		expect(vm.hostid).toBe(hostId);
	});
});
