/**
 * Volume commands against the fake agent: createVolume (Allocated), attachVolume (made on the
 * instance's root pool, hot-plugged when it runs), detachVolume, resizeVolume, deleteVolume and
 * migrateVolume, with the pool's allocated bytes kept right and the failures CloudStack gives.
 */
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { volumes } from "../../../worker/src/db/schema";
import {
	buildWorld,
	call,
	expectDenied,
	expectParamError,
	jobResult,
	listItems,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
import { insertPool } from "../templates/site";
import {
	buildSite,
	commandsFor,
	db,
	eventsOf,
	GIB,
	insertVm,
	type Obj,
	poolAllocated,
	type Site,
	setVmState,
	volumeAnswer,
	volumeRow,
} from "./site";

let world: World;
let site: Site;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
});

beforeEach(() => {
	site.agent.onCommand = volumeAnswer;
});

async function newVolume(extra: Record<string, string> = {}): Promise<Obj> {
	const result = await runJob(world.alice, {
		command: "createVolume",
		zoneid: site.tree.zone.id,
		diskofferingid: site.fixedOffering,
		...extra,
	});
	return result.volume;
}

describe("createVolume and listVolumes", () => {
	it("creates an Allocated data disk answering {id, jobid}; listVolumes shows it and the instance's ROOT volume", async () => {
		const answer = ok(
			await call(world.alice, {
				command: "createVolume",
				zoneid: site.tree.zone.id,
				diskofferingid: site.fixedOffering,
			}),
			"createVolume",
		);
		expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
		const job = await jobResult(
			world.alice,
			{ status: 200, body: { createvolumeresponse: answer } } as Obj,
			"createVolume",
		);
		expect(job).toMatchObject({ jobstatus: 1, jobinstancetype: "Volume", jobinstanceid: answer.id });
		expect(job.jobresult.volume).toMatchObject({
			id: answer.id,
			type: "DATADISK",
			state: "Allocated",
			size: 5 * GIB,
			zoneid: site.tree.zone.id,
			diskofferingid: site.fixedOffering,
			account: "alice",
		});
		expect(job.jobresult.volume.name).toMatch(/^DATA-\d+$/);
		const { vm, root } = await insertVm(site, world.alice);
		const mine = await listItems(world.alice, "listVolumes", "volume", { virtualmachineid: vm.id });
		expect(mine.map((v: Obj) => v.id)).toEqual([root.id]);
		expect(mine[0]).toMatchObject({ type: "ROOT", deviceid: 0, vmname: vm.name, vmstate: "Stopped" });
		const all = await listItems(world.alice, "listVolumes", "volume", { ids: `${answer.id},${root.id}` });
		expect(all).toHaveLength(2);
		expect((await eventsOf(answer.id, "VOLUME.CREATE")).length).toBe(1);
		// Not the other users' business.
		expect(await listItems(world.bob, "listVolumes", "volume", { id: answer.id })).toEqual([]);
	});

	it("refuses a customized offering without size, and a fixed one with another size (431)", async () => {
		const base = { command: "createVolume", zoneid: site.tree.zone.id };
		expectParamError(await call(world.alice, { ...base, diskofferingid: site.customOffering }), "createVolume", /size/);
		expectParamError(
			await call(world.alice, { ...base, diskofferingid: site.fixedOffering, size: "7" }),
			"createVolume",
			/fixed size/,
		);
		expectParamError(
			await call(world.alice, { command: "createVolume", diskofferingid: site.fixedOffering }),
			"createVolume",
		);
	});
});

describe("attachVolume and detachVolume", () => {
	it("makes an Allocated volume on the Stopped instance's root pool, takes its bytes, no hot-plug", async () => {
		const { vm } = await insertVm(site, world.alice);
		const volume = await newVolume();
		const before = await poolAllocated(site.pool.id);
		const attached = (await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id }))
			.volume;
		expect(attached).toMatchObject({ state: "Ready", deviceid: 1, virtualmachineid: vm.id, vmstate: "Stopped" });
		expect(attached.attached).toBeDefined();
		const [create] = commandsFor(site.agent, "volume.create", volume.id);
		expect(create?.args).toEqual({
			store: { kind: "nfs", server: site.pool.host, path: site.pool.path },
			path: `${volume.id}.qcow2`,
			sizeBytes: 5 * GIB,
		});
		expect(commandsFor(site.agent, "vm.attachDisk", volume.id)).toHaveLength(0);
		expect(await poolAllocated(site.pool.id)).toBe(before + 5 * GIB);
		expect((await eventsOf(volume.id, "VOLUME.ATTACH")).length).toBe(1);
		// listCapacity's STORAGE_ALLOCATED (type 3) reads the same column.
		const capacity = ok(
			await call(world.root, { command: "listCapacity", zoneid: site.tree.zone.id, type: "3" }),
			"listCapacity",
		).capacity;
		const zoneAllocated = (await poolAllocated(site.pool.id)) + (await poolAllocated(site.otherPool.id));
		expect(capacity[0].capacityused).toBe(zoneAllocated);
	});

	it("hot-plugs into a Running instance and unplugs on detach (vdb, by the instance name)", async () => {
		const { vm } = await insertVm(site, world.alice, "Running");
		const volume = await newVolume();
		await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id });
		const [plug] = commandsFor(site.agent, "vm.attachDisk", volume.id);
		expect(plug?.args).toMatchObject({
			hostId: vm.hostId,
			name: vm.instanceName,
			disk: { volumeId: volume.id, target: "vdb", path: `${volume.id}.qcow2`, format: "QCOW2", chain: [] },
		});
		const since = site.agent.commands.length;
		const detached = (await runJob(world.alice, { command: "detachVolume", id: volume.id })).volume;
		expect(detached.virtualmachineid).toBeUndefined();
		expect(detached.state).toBe("Ready");
		const unplug = await site.agent.waitForCommand("vm.detachDisk", { since });
		expect(unplug.args).toEqual({ hostId: vm.hostId, name: vm.instanceName, target: "vdb" });
		expect((await eventsOf(volume.id, "VOLUME.DETACH")).length).toBe(1);
	});

	it("attaching to a Stopped instance never started keeps the disk Allocated (its start places it)", async () => {
		const { vm, root } = await insertVm(site, world.alice);
		await db.update(volumes).set({ state: "Allocated", poolId: null, path: null }).where(eq(volumes.id, root.id));
		const volume = await newVolume();
		const attached = (await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id }))
			.volume;
		expect(attached).toMatchObject({ state: "Allocated", virtualmachineid: vm.id, deviceid: 1 });
		expect(commandsFor(site.agent, "volume.create", volume.id)).toHaveLength(0);
	});

	it("createVolume with virtualmachineid creates and attaches in one job", async () => {
		const { vm } = await insertVm(site, world.alice, "Running");
		const volume = (
			await runJob(world.alice, {
				command: "createVolume",
				diskofferingid: site.customOffering,
				size: "3",
				virtualmachineid: vm.id,
			})
		).volume;
		expect(volume).toMatchObject({ state: "Ready", size: 3 * GIB, virtualmachineid: vm.id, deviceid: 1 });
		expect(commandsFor(site.agent, "vm.attachDisk", volume.id)).toHaveLength(1);
	});

	it("refuses ROOT detach, a Destroyed instance, and someone else's volume", async () => {
		const { vm, root } = await insertVm(site, world.alice);
		expectParamError(await call(world.alice, { command: "detachVolume", id: root.id }), "detachVolume", /root/);
		const volume = await newVolume();
		const gone = await insertVm(site, world.alice, "Destroyed");
		expectParamError(
			await call(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: gone.vm.id }),
			"attachVolume",
			/Destroyed/,
		);
		expectDenied(
			await call(world.bob, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id }),
			"attachVolume",
		);
	});

	it("checks the instance's state in the job: an attach queued behind another fails with 431 once the VM is Destroyed", async () => {
		const { vm } = await insertVm(site, world.alice);
		const first = await newVolume();
		const second = await newVolume();
		// Hold the first attach in volume.create; the second waits behind it (same instance).
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		site.agent.onCommand = async (frame, agent) => {
			if ((frame.name as string) === "volume.create" && JSON.stringify(frame.args).includes(first.id)) await held;
			return volumeAnswer(frame, agent);
		};
		const since = site.agent.commands.length;
		const a = await call(world.alice, { command: "attachVolume", id: first.id, virtualmachineid: vm.id });
		const b = await call(world.alice, { command: "attachVolume", id: second.id, virtualmachineid: vm.id });
		await site.agent.waitForCommand("volume.create", { since });
		await setVmState(vm.id, "Destroyed");
		release();
		expect((await jobResult(world.alice, a, "attachVolume")).jobstatus).toBe(1);
		const job = await jobResult(world.alice, b, "attachVolume");
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 431 });
		expect(job.jobresult.errortext).toMatch(/is Destroyed/);
		expect(commandsFor(site.agent, "volume.create", second.id)).toHaveLength(0);
	});

	it("fails with 533 when the pool has no room, and leaves the volume Allocated and unattached", async () => {
		const tiny = await insertPool(site.tree.zone.id, {
			podId: site.tree.pod.id,
			clusterId: site.tree.cluster.id,
			scope: "CLUSTER",
			capacityBytes: GIB,
		});
		const { vm, root } = await insertVm(site, world.alice);
		await db.update(volumes).set({ poolId: tiny.id }).where(eq(volumes.id, root.id));
		const volume = await newVolume();
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id }),
			"attachVolume",
		);
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 533 });
		expect(job.jobresult.errortext).toMatch(/no room/);
		const row = await volumeRow(volume.id);
		expect(row).toMatchObject({ state: "Allocated", vmId: null, poolId: null });
		expect(await poolAllocated(tiny.id)).toBe(0);
	});

	it("an agent failure while creating fails the job (530) and gives the bytes back", async () => {
		const { vm } = await insertVm(site, world.alice);
		const volume = await newVolume();
		const before = await poolAllocated(site.pool.id);
		site.agent.onCommand = (frame, agent) =>
			(frame.name as string) === "volume.create"
				? { ok: false, error: { code: "failed", text: "qemu-img: disk full" } }
				: volumeAnswer(frame, agent);
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id }),
			"attachVolume",
		);
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 530 });
		expect(job.jobresult.errortext).toMatch(/disk full/);
		expect(await volumeRow(volume.id)).toMatchObject({ state: "Allocated", vmId: null, poolId: null });
		expect(await poolAllocated(site.pool.id)).toBe(before);
	});
});
