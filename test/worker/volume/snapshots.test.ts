/**
 * Snapshots against the fake agent: createSnapshot copies the volume to secondary storage,
 * revertSnapshot copies it back while the instance is Stopped, deleteSnapshot removes it;
 * createTemplate makes a Ready template from a snapshot or a stopped instance's volume; disk-only
 * VM snapshots copy every volume next to itself on its pool and revert while Stopped.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
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
import {
	buildSite,
	COPY_PHYSICAL,
	commandsFor,
	eventsOf,
	GIB,
	insertVm,
	type Obj,
	type Site,
	setVmState,
	volumeAnswer,
	volumeRow,
} from "./site";

let world: World;
let site: Site;
let secondary: Obj;

beforeAll(async () => {
	world = await buildWorld();
	site = await buildSite(world);
	secondary = { kind: "nfs", server: "10.0.0.5" };
});

beforeEach(() => {
	site.agent.onCommand = volumeAnswer;
});

const OS_TYPE = async () =>
	ok(await call(world.alice, { command: "listOsTypes" }), "listOsTypes").ostype[0].id as string;

describe("createSnapshot, listSnapshots, revertSnapshot, deleteSnapshot", () => {
	it("backs a running instance's ROOT volume up to secondary storage and lists it BackedUp", async () => {
		const { vm, root } = await insertVm(site, world.alice, "Running");
		const answer = ok(await call(world.alice, { command: "createSnapshot", volumeid: root.id }), "createSnapshot");
		expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
		const job = await jobResult(
			world.alice,
			{ status: 200, body: { createsnapshotresponse: answer } } as Obj,
			"createSnapshot",
		);
		expect(job).toMatchObject({ jobstatus: 1, jobinstancetype: "Snapshot", jobinstanceid: answer.id });
		const snap = job.jobresult.snapshot;
		expect(snap).toMatchObject({
			id: answer.id,
			volumeid: root.id,
			volumetype: "ROOT",
			state: "BackedUp",
			physicalsize: COPY_PHYSICAL,
			virtualsize: 2 * GIB,
			snapshottype: "MANUAL",
			locationtype: "SECONDARY",
			datastoreid: site.imageStoreId,
			account: "alice",
		});
		expect(snap.name).toMatch(new RegExp(`^${vm.instanceName}_${root.name}_\\d{14}$`));
		const [copy] = commandsFor(site.agent, "volume.copy", answer.id);
		expect(copy?.args).toMatchObject({
			source: { store: { kind: "nfs", server: site.pool.host, path: site.pool.path }, path: `${root.id}.qcow2` },
			target: { store: secondary, path: `snapshots/${world.alice.accountId}/${root.id}/${answer.id}.qcow2` },
		});
		const listed = await listItems(world.alice, "listSnapshots", "snapshot", { volumeid: root.id });
		expect(listed.map((s: Obj) => s.id)).toEqual([answer.id]);
		expect(await listItems(world.bob, "listSnapshots", "snapshot", { id: answer.id })).toEqual([]);
		expect((await eventsOf(answer.id, "SNAPSHOT.CREATE")).length).toBe(1);
	});

	it("refuses a revert while the instance runs; reverts a stopped one by copying the snapshot back over the volume", async () => {
		const { vm, root } = await insertVm(site, world.alice, "Running");
		const snap = (await runJob(world.alice, { command: "createSnapshot", volumeid: root.id })).snapshot;
		expectParamError(await call(world.alice, { command: "revertSnapshot", id: snap.id }), "revertSnapshot", /stop it/);
		await setVmState(vm.id, "Stopped");
		const since = site.agent.commands.length;
		const reverted = (await runJob(world.alice, { command: "revertSnapshot", id: snap.id })).snapshot;
		expect(reverted.id).toBe(snap.id);
		const copy = await site.agent.waitForCommand("volume.copy", { since });
		expect(copy.args).toMatchObject({
			source: { store: secondary, path: `snapshots/${world.alice.accountId}/${root.id}/${snap.id}.qcow2` },
			target: { store: { kind: "nfs", server: site.pool.host }, path: `${root.id}.qcow2` },
		});
		expect(await volumeRow(root.id)).toMatchObject({ state: "Ready", templateId: null });
		expect((await eventsOf(snap.id, "SNAPSHOT.REVERT")).length).toBe(1);
	});

	it("deletes a snapshot: store.remove on secondary storage, gone from the list; others may not", async () => {
		const { root } = await insertVm(site, world.alice);
		const snap = (await runJob(world.alice, { command: "createSnapshot", volumeid: root.id })).snapshot;
		expectDenied(await call(world.bob, { command: "deleteSnapshot", id: snap.id }), "deleteSnapshot");
		const result = await runJob(world.alice, { command: "deleteSnapshot", id: snap.id });
		expect(result).toMatchObject({ success: true });
		const [remove] = commandsFor(site.agent, "store.remove", snap.id);
		expect(remove?.args).toMatchObject({ store: secondary });
		expect(await listItems(world.alice, "listSnapshots", "snapshot", { id: snap.id })).toEqual([]);
		expect((await eventsOf(snap.id, "SNAPSHOT.DELETE")).length).toBe(1);
	});

	it("a failed backup fails the job with the agent's text and the snapshot is not listed", async () => {
		const { root } = await insertVm(site, world.alice);
		site.agent.onCommand = (frame, agent) =>
			(frame.name as string) === "volume.copy"
				? { ok: false, error: { code: "failed", text: "qemu-img convert: No space left on device" } }
				: volumeAnswer(frame, agent);
		const job = await jobResult(
			world.alice,
			await call(world.alice, { command: "createSnapshot", volumeid: root.id }),
			"createSnapshot",
		);
		expect(job).toMatchObject({ jobstatus: 2, jobresultcode: 530 });
		expect(job.jobresult.errortext).toMatch(/No space left/);
		expect(await listItems(world.alice, "listSnapshots", "snapshot", { volumeid: root.id })).toEqual([]);
	});
});

describe("createTemplate", () => {
	it("makes a Ready template from a snapshot on the zone's secondary storage", async () => {
		const { root } = await insertVm(site, world.alice);
		const snap = (await runJob(world.alice, { command: "createSnapshot", volumeid: root.id })).snapshot;
		const ostypeid = await OS_TYPE();
		const answer = ok(
			await call(world.alice, { command: "createTemplate", name: "from-snap", ostypeid, snapshotid: snap.id }),
			"createTemplate",
		);
		const job = await jobResult(
			world.alice,
			{ status: 200, body: { createtemplateresponse: answer } } as Obj,
			"createTemplate",
		);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		expect(job.jobresult.template).toMatchObject({
			id: answer.id,
			name: "from-snap",
			isready: true,
			format: "QCOW2",
			hypervisor: "KVM",
			zoneid: site.tree.zone.id,
			size: 2 * GIB,
		});
		const [copy] = commandsFor(site.agent, "volume.copy", answer.id);
		expect(copy?.args).toMatchObject({
			source: { store: secondary, path: `snapshots/${world.alice.accountId}/${root.id}/${snap.id}.qcow2` },
			target: { store: secondary, path: `template/tmpl/${world.alice.accountId}/${answer.id}/${answer.id}.qcow2` },
		});
		const [listed] = await listItems(world.alice, "listTemplates", "template", {
			templatefilter: "self",
			id: answer.id,
		});
		expect(listed).toMatchObject({ isready: true, status: "Download Complete" });
		expect((await eventsOf(answer.id, "TEMPLATE.CREATE")).length).toBe(1);
	});

	it("makes a template from a Stopped instance's ROOT volume, and refuses a Running one", async () => {
		const { vm, root } = await insertVm(site, world.alice, "Running");
		const ostypeid = await OS_TYPE();
		const params = { command: "createTemplate", name: "from-vol", ostypeid, volumeid: root.id };
		expectParamError(await call(world.alice, params), "createTemplate", /Stopped/);
		await setVmState(vm.id, "Stopped");
		const template = (await runJob(world.alice, params)).template;
		expect(template).toMatchObject({ isready: true, name: "from-vol" });
		const [copy] = commandsFor(site.agent, "volume.copy", template.id);
		expect(copy?.args).toMatchObject({ source: { path: `${root.id}.qcow2` } });
		expectParamError(
			await call(world.alice, { command: "createTemplate", name: "x", ostypeid }),
			"createTemplate",
			/exactly one/,
		);
	});
});

describe("disk-only VM snapshots", () => {
	it("creates, lists, reverts (Stopped only) and deletes a VM snapshot, volume by volume on the pool", async () => {
		const { vm, root } = await insertVm(site, world.alice, "Running");
		const answer = ok(
			await call(world.alice, { command: "createVMSnapshot", virtualmachineid: vm.id, description: "before upgrade" }),
			"createVMSnapshot",
		);
		const job = await jobResult(
			world.alice,
			{ status: 200, body: { createvmsnapshotresponse: answer } } as Obj,
			"createVMSnapshot",
		);
		expect(job.jobstatus, JSON.stringify(job)).toBe(1);
		expect(job.jobresult.vmsnapshot).toMatchObject({
			id: answer.id,
			state: "Ready",
			current: true,
			type: "Disk",
			virtualmachineid: vm.id,
			virtualmachinename: vm.name,
			description: "before upgrade",
		});
		const pool = { kind: "nfs", server: site.pool.host, path: site.pool.path };
		const [copy] = commandsFor(site.agent, "volume.copy", answer.id);
		expect(copy?.args).toEqual({
			source: { store: pool, path: `${root.id}.qcow2` },
			target: { store: pool, path: `vmsnap-${answer.id}-${root.id}.qcow2` },
		});
		const second = (await runJob(world.alice, { command: "createVMSnapshot", virtualmachineid: vm.id })).vmsnapshot;
		expect(second).toMatchObject({ parent: answer.id, current: true });
		const listed = ok(
			await call(world.alice, { command: "listVMSnapshot", virtualmachineid: vm.id }),
			"listVMSnapshot",
		);
		expect(listed.count).toBe(2);
		expect(listed.vmSnapshot.find((s: Obj) => s.id === answer.id).current).toBe(false);

		// Volumes are pinned while VM snapshots exist.
		const data = (
			await runJob(world.alice, {
				command: "createVolume",
				zoneid: site.tree.zone.id,
				diskofferingid: site.fixedOffering,
			})
		).volume;
		expectParamError(
			await call(world.alice, { command: "attachVolume", id: data.id, virtualmachineid: vm.id }),
			"attachVolume",
			/VM snapshots/,
		);

		expectParamError(
			await call(world.alice, { command: "revertToVMSnapshot", vmsnapshotid: answer.id }),
			"revertToVMSnapshot",
			/stop it/,
		);
		await setVmState(vm.id, "Stopped");
		const since = site.agent.commands.length;
		const reverted = await runJob(world.alice, { command: "revertToVMSnapshot", vmsnapshotid: answer.id });
		expect(reverted.virtualmachine).toMatchObject({ id: vm.id });
		const back = await site.agent.waitForCommand("volume.copy", { since });
		expect(back.args).toEqual({
			source: { store: pool, path: `vmsnap-${answer.id}-${root.id}.qcow2` },
			target: { store: pool, path: `${root.id}.qcow2` },
		});
		const [now] = await listItems(world.alice, "listVMSnapshot", "vmSnapshot", { vmsnapshotid: answer.id });
		expect(now.current).toBe(true);
		expect((await eventsOf(answer.id, "VMSNAPSHOT.REVERTTOVMSNAPSHOT")).length).toBe(1);

		for (const id of [second.id, answer.id]) {
			expect(await runJob(world.alice, { command: "deleteVMSnapshot", vmsnapshotid: id })).toMatchObject({
				success: true,
			});
			const [remove] = commandsFor(site.agent, "store.remove", id);
			expect(remove?.args).toEqual({ store: pool, path: `vmsnap-${id}-${root.id}.qcow2` });
			expect((await eventsOf(id, "VMSNAPSHOT.DELETE")).length).toBe(1);
		}
		expect(await listItems(world.alice, "listVMSnapshot", "vmSnapshot", { virtualmachineid: vm.id })).toEqual([]);
		expectParamError(
			await call(world.alice, { command: "createVMSnapshot", virtualmachineid: vm.id, snapshotmemory: "true" }),
			"createVMSnapshot",
			/disk-only/,
		);
	});
});
