/**
 * Shared setup of the volume and snapshot tests: a zone with the fake agent (answering the
 * volume.* and vm.*Disk commands as the simulator does), a pool and an image store put straight
 * into D1, disk offerings, and instances with their ROOT volume inserted as rows, so these tests
 * do not depend on deployVirtualMachine.
 */
import type { CommandFrame } from "@flarestack/protocol";
import { and, eq } from "drizzle-orm";
import { events, storagePools, vmInstances, volumes } from "../../../worker/src/db/schema";
import type { Params } from "../../helpers/api";
import { defaultAnswer, type FakeAgent, type FakeAnswer, startFakeAgent } from "../../helpers/fake-agent";
import { type Actor, call, ok, unique, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";
import { db, insertImageStore, insertPool } from "../templates/site";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export type Obj = any;

export { db };

export const GIB = 1024 ** 3;
export const COPY_PHYSICAL = 300 * 1024 ** 2;

/** The simulator's answers to the storage and disk commands (sizes as asked, or 2 GiB for copies). */
export function volumeAnswer(frame: CommandFrame, agent: FakeAgent): FakeAnswer {
	switch (frame.name) {
		case "volume.create":
		case "volume.resize":
			return {
				ok: true,
				result: { path: frame.args.path, format: "QCOW2", sizeBytes: frame.args.sizeBytes, physicalBytes: 196_608 },
			};
		case "volume.copy":
			return { ok: true, result: { path: frame.args.target.path, sizeBytes: 2 * GIB, physicalBytes: COPY_PHYSICAL } };
		case "vm.attachDisk":
		case "vm.detachDisk":
			return { ok: true, result: {} };
		default:
			return defaultAnswer(frame, agent);
	}
}

export interface Site {
	tree: Obj;
	agent: FakeAgent;
	pool: typeof storagePools.$inferSelect;
	otherPool: typeof storagePools.$inferSelect;
	imageStoreId: string;
	fixedOffering: string;
	customOffering: string;
}

export async function buildSite(world: World): Promise<Site> {
	const tree = await createTree(world);
	const agent = await startFakeAgent(tree.zone, { onCommand: volumeAnswer });
	const inCluster = { podId: tree.pod.id, clusterId: tree.cluster.id, scope: "CLUSTER", capacityBytes: 100 * GIB };
	const pool = await insertPool(tree.zone.id, inCluster);
	const otherPool = await insertPool(tree.zone.id, inCluster);
	const store = await insertImageStore(tree.zone.id);
	const offering = async (extra: Params) =>
		ok(
			await call(world.root, { command: "createDiskOffering", name: unique("do-"), displaytext: "a disk", ...extra }),
			"createDiskOffering",
		).diskoffering.id as string;
	return {
		tree,
		agent,
		pool,
		otherPool,
		imageStoreId: store.id,
		fixedOffering: await offering({ disksize: "5" }),
		customOffering: await offering({ customized: "true" }),
	};
}

/** An instance row (and its ROOT volume on `pool`) owned by `owner`, straight into D1. */
export async function insertVm(
	site: Site,
	owner: Actor,
	state: "Running" | "Stopped" | "Destroyed" = "Stopped",
): Promise<{ vm: typeof vmInstances.$inferSelect; root: typeof volumes.$inferSelect }> {
	const id = crypto.randomUUID();
	const now = Date.now();
	const vm = {
		id,
		name: unique("vm-"),
		displayName: "a vm",
		instanceName: `i-${id.replaceAll("-", "").slice(0, 12)}-VM`,
		accountId: owner.accountId,
		domainId: owner.domainId,
		userId: owner.userId,
		zoneId: site.tree.zone.id,
		podId: site.tree.pod.id,
		clusterId: site.tree.cluster.id,
		hostId: state === "Running" ? crypto.randomUUID() : null,
		serviceOfferingId: crypto.randomUUID(),
		cpuNumber: 1,
		cpuSpeed: 1000,
		memory: 512,
		state,
		created: now,
	};
	const rootId = crypto.randomUUID();
	const root = {
		id: rootId,
		name: unique("ROOT-"),
		accountId: owner.accountId,
		domainId: owner.domainId,
		zoneId: site.tree.zone.id,
		poolId: site.pool.id,
		vmId: id,
		deviceId: 0,
		type: "ROOT",
		state: "Ready",
		sizeBytes: 2 * GIB,
		path: `${rootId}.qcow2`,
		created: now,
		attached: now,
	};
	await db.batch([db.insert(vmInstances).values(vm), db.insert(volumes).values(root)]);
	return {
		vm: (await db.select().from(vmInstances).where(eq(vmInstances.id, id)).get()) as typeof vmInstances.$inferSelect,
		root: (await db.select().from(volumes).where(eq(volumes.id, rootId)).get()) as typeof volumes.$inferSelect,
	};
}

export const poolAllocated = async (poolId: string) =>
	(await db.select().from(storagePools).where(eq(storagePools.id, poolId)).get())?.allocatedBytes ?? -1;

export const volumeRow = (id: string) => db.select().from(volumes).where(eq(volumes.id, id)).get();

export const setVmState = (id: string, state: string) =>
	db.update(vmInstances).set({ state }).where(eq(vmInstances.id, id));

export async function eventsOf(resourceId: string, type?: string): Promise<(typeof events.$inferSelect)[]> {
	return db
		.select()
		.from(events)
		.where(type ? and(eq(events.resourceId, resourceId), eq(events.type, type)) : eq(events.resourceId, resourceId));
}

/** Commands named `name` the agent received that mention `id` in their arguments. */
export function commandsFor(agent: FakeAgent, name: string, id: string): CommandFrame[] {
	return agent.commands.filter((c) => (c.name as string) === name && JSON.stringify(c.args).includes(id));
}
