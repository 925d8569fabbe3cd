/**
 * Volume changes against the fake agent: resizeVolume, deleteVolume, migrateVolume with the pool's
 * allocated bytes kept right, who may act on a volume, and jobs re-run from the start after an
 * interruption (a restarted JobRunner runs unfinished jobs again) finishing without doing twice.
 */
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storagePools, volumes } from "../../../worker/src/db/schema";
import { depsFor } from "../../../worker/src/deps";
import { JOB_KINDS } from "../../../worker/src/jobs/registry";
import type { JobContext } from "../../../worker/src/jobs/types";
import {
	type Actor,
	buildWorld,
	call,
	expectDenied,
	expectNotAvailable,
	expectParamError,
	listItems,
	ok,
	runJob,
	type World,
} from "../../helpers/identity-fixtures";
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

async function newVolume(extra: Record<string, string> = {}, actor: Actor = world.alice): Promise<Obj> {
	const result = await runJob(actor, {
		command: "createVolume",
		zoneid: site.tree.zone.id,
		diskofferingid: site.fixedOffering,
		...extra,
	});
	return result.volume;
}

/** A job context as the JobRunner builds one, to run a job kind again by hand. */
async function jobContext(actor: Actor): Promise<JobContext> {
	const deadline = Date.now() + 30_000;
	return {
		deps: await depsFor(env),
		jobId: crypto.randomUUID(),
		owner: { userId: actor.userId, accountId: actor.accountId, domainId: actor.domainId },
		zoneId: site.tree.zone.id,
		deadline,
		remainingMs: () => deadline - Date.now(),
	};
}

describe("resizeVolume", () => {
	it("grows a volume on storage with volume.resize (blockresize target when its guest runs) and takes the extra bytes", async () => {
		const { vm } = await insertVm(site, world.alice, "Running");
		const volume = await newVolume({ diskofferingid: site.customOffering, size: "2" });
		await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id });
		const before = await poolAllocated(site.pool.id);
		const resized = (await runJob(world.alice, { command: "resizeVolume", id: volume.id, size: "4" })).volume;
		expect(resized).toMatchObject({ size: 4 * GIB, state: "Ready" });
		const [resize] = commandsFor(site.agent, "volume.resize", volume.id);
		expect(resize?.args).toMatchObject({
			sizeBytes: 4 * GIB,
			attachedTo: { hostId: vm.hostId, name: vm.instanceName, target: "vdb" },
		});
		expect(await poolAllocated(site.pool.id)).toBe(before + 2 * GIB);
		expect((await eventsOf(volume.id, "VOLUME.RESIZE")).length).toBe(1);
		expectParamError(
			await call(world.alice, { command: "resizeVolume", id: volume.id, size: "1" }),
			"resizeVolume",
			/Shrink/,
		);
	});

	it("an Allocated volume only changes its row", async () => {
		const volume = await newVolume({ diskofferingid: site.customOffering, size: "2" });
		const resized = (await runJob(world.alice, { command: "resizeVolume", id: volume.id, size: "3" })).volume;
		expect(resized).toMatchObject({ size: 3 * GIB, state: "Allocated" });
		expect(commandsFor(site.agent, "volume.resize", volume.id)).toHaveLength(0);
	});
});

describe("deleteVolume", () => {
	it("refuses an attached volume; deletes a detached one, gives its bytes back and removes the file", async () => {
		const { vm } = await insertVm(site, world.alice);
		const volume = await newVolume();
		await runJob(world.alice, { command: "attachVolume", id: volume.id, virtualmachineid: vm.id });
		expectParamError(
			await call(world.alice, { command: "deleteVolume", id: volume.id }),
			"deleteVolume",
			/not attached/,
		);
		await runJob(world.alice, { command: "detachVolume", id: volume.id });
		const before = await poolAllocated(site.pool.id);
		ok(await call(world.alice, { command: "deleteVolume", id: volume.id }), "deleteVolume");
		expect(await poolAllocated(site.pool.id)).toBe(before - 5 * GIB);
		expect(await listItems(world.alice, "listVolumes", "volume", { id: volume.id })).toEqual([]);
		const remove = await site.agent.waitFor(
			(f) => f.type === "command" && f.name === "store.remove" && JSON.stringify(f.args).includes(volume.id),
		);
		expect(remove).toMatchObject({ args: { path: `${volume.id}.qcow2` } });
		expect((await eventsOf(volume.id, "VOLUME.DELETE")).length).toBe(1);
	});

	it("deletes an Allocated volume without touching storage", async () => {
		const volume = await newVolume();
		ok(await call(world.alice, { command: "deleteVolume", id: volume.id }), "deleteVolume");
		expect(await volumeRow(volume.id)).toMatchObject({ state: "Expunged" });
	});
});

describe("migrateVolume", () => {
	it("refuses while the instance runs; moves a stopped instance's volume to the other pool with volume.copy", async () => {
		const { vm, root } = await insertVm(site, world.alice, "Running");
		expectParamError(
			await call(world.alice, { command: "migrateVolume", volumeid: root.id, storageid: site.otherPool.id }),
			"migrateVolume",
			/stop it first/,
		);
		await setVmState(vm.id, "Stopped");
		const [fromBefore, toBefore] = [await poolAllocated(site.pool.id), await poolAllocated(site.otherPool.id)];
		const moved = (
			await runJob(world.alice, { command: "migrateVolume", volumeid: root.id, storageid: site.otherPool.id })
		).volume;
		expect(moved).toMatchObject({ state: "Ready", storage: site.otherPool.name });
		const [copy] = commandsFor(site.agent, "volume.copy", root.id);
		expect(copy?.args).toEqual({
			source: { store: { kind: "nfs", server: site.pool.host, path: site.pool.path }, path: `${root.id}.qcow2` },
			target: {
				store: { kind: "nfs", server: site.otherPool.host, path: site.otherPool.path },
				path: `${root.id}.qcow2`,
			},
		});
		expect(await poolAllocated(site.pool.id)).toBe(fromBefore - root.sizeBytes);
		expect(await poolAllocated(site.otherPool.id)).toBe(toBefore + root.sizeBytes);
		expect((await volumeRow(root.id))?.poolId).toBe(site.otherPool.id);
		expect((await eventsOf(root.id, "VOLUME.MIGRATE")).length).toBe(1);
	});
});

describe("who may act on a volume", () => {
	it("a domain admin may resize a user's volume of the subtree; a read-only admin sees it but may not delete it, nor may another user", async () => {
		const volume = await newVolume({ diskofferingid: site.customOffering, size: "1" });
		const resized = (await runJob(world.domainAdmin, { command: "resizeVolume", id: volume.id, size: "2" })).volume;
		expect(resized.size).toBe(2 * GIB);
		const seen = await listItems(world.readOnly, "listVolumes", "volume", { id: volume.id, listall: "true" });
		expect(seen.map((v: Obj) => v.id)).toEqual([volume.id]);
		// The read-only role has no deleteVolume at all.
		expectNotAvailable(
			await call(world.readOnly, { command: "deleteVolume", id: volume.id }),
			"deleteVolume",
			world.readOnly,
		);
		expectDenied(await call(world.carol, { command: "deleteVolume", id: volume.id }), "deleteVolume");
		expectParamError(
			await call(world.alice, { command: "deleteVolume", id: crypto.randomUUID() }),
			"deleteVolume",
			/Unable to find/,
		);
	});
});

describe("jobs re-run from the start", () => {
	it("an attach cut off after placing the volume creates the file, attaches once, and a further re-run changes nothing", async () => {
		const { vm } = await insertVm(site, world.alice, "Running");
		const volume = await newVolume();
		// What the first run left: the volume claimed on the pool (Creating) with its bytes reserved.
		await db
			.update(volumes)
			.set({ state: "Creating", poolId: site.pool.id, path: `${volume.id}.qcow2` })
			.where(eq(volumes.id, volume.id));
		await db
			.update(storagePools)
			.set({ allocatedBytes: sql`${storagePools.allocatedBytes} + ${5 * GIB}` })
			.where(eq(storagePools.id, site.pool.id));
		const allocated = await poolAllocated(site.pool.id);
		const kind = JOB_KINDS.get("volume.attach");
		const payload = { volumeId: volume.id, vmId: vm.id };
		const first = await kind?.run(await jobContext(world.alice), payload);
		expect(first).toMatchObject({ type: "object", name: "volume", value: { state: "Ready", virtualmachineid: vm.id } });
		expect(commandsFor(site.agent, "volume.create", volume.id)).toHaveLength(1);
		expect(commandsFor(site.agent, "vm.attachDisk", volume.id)).toHaveLength(1);
		expect(await poolAllocated(site.pool.id)).toBe(allocated);
		const again = await kind?.run(await jobContext(world.alice), payload);
		expect(again).toMatchObject({ value: { id: volume.id, deviceid: 1 } });
		expect(commandsFor(site.agent, "vm.attachDisk", volume.id)).toHaveLength(1);
		expect((await eventsOf(volume.id, "VOLUME.ATTACH")).length).toBe(1);
	});

	it("a migration cut off during the copy copies again and moves the volume once", async () => {
		const { vm, root } = await insertVm(site, world.alice);
		await setVmState(vm.id, "Stopped");
		await db.update(volumes).set({ state: "Migrating" }).where(eq(volumes.id, root.id));
		const kind = JOB_KINDS.get("volume.migrate");
		const payload = { volumeId: root.id, poolId: site.otherPool.id };
		await kind?.run(await jobContext(world.alice), payload);
		await kind?.run(await jobContext(world.alice), payload);
		expect(commandsFor(site.agent, "volume.copy", root.id)).toHaveLength(1);
		expect(await volumeRow(root.id)).toMatchObject({ state: "Ready", poolId: site.otherPool.id });
		expect((await eventsOf(root.id, "VOLUME.MIGRATE")).length).toBe(1);
	});
});
