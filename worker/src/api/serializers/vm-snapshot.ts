/** @module vm_snapshots (with instance, parent, zone and owner names, one joined query) → CloudStack `vmsnapshot`. */
import { asc, count, eq, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { tagsOf } from "../../db/repos/tags";
import { accounts, domains, vmInstances, vmSnapshots, zones } from "../../db/schema";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export const VM_SNAPSHOT_FIELDS = {
	id: ["string", "the ID of the vm snapshot"],
	name: ["string", "the name of the vm snapshot"],
	state: ["string", "the state of the vm snapshot"],
	description: ["string", "the description of the vm snapshot"],
	displayname: ["string", "the display name of the vm snapshot"],
	zoneid: ["string", "the Zone ID of the vm snapshot"],
	zonename: ["string", "the Zone name of the vm snapshot"],
	virtualmachineid: ["string", "the vm ID of the vm snapshot"],
	virtualmachinename: ["string", "the vm name of the vm snapshot"],
	parent: ["string", "the parent ID of the vm snapshot"],
	parentName: ["string", "the parent displayName of the vm snapshot"],
	current: ["boolean", "indiates if this is current snapshot"],
	type: ["string", "VM Snapshot type: Disk (disk-only; memory snapshots are not supported)"],
	created: ["date", "the create date of the vm snapshot"],
	account: ["string", "the account associated with the disk volume"],
	domainid: ["string", "the ID of the domain associated with the disk volume"],
	domain: ["string", "the domain associated with the disk volume"],
	domainpath: ["string", "path of the domain the vm snapshot belongs to"],
	hypervisor: ["string", "the type of hypervisor on which snapshot is stored"],
	tags: ["set", "the list of resource tags associated"],
	hasannotations: ["boolean", "whether the vm snapshot has annotations"],
} as const satisfies FieldTable;

const parents = alias(vmSnapshots, "parents");

function viewQuery(db: Db) {
	return db
		.select({
			snapshot: vmSnapshots,
			vmName: vmInstances.name,
			parentName: parents.displayName,
			zoneName: zones.name,
			accountName: accounts.name,
			domainName: domains.name,
			domainPath: domains.path,
		})
		.from(vmSnapshots)
		.leftJoin(vmInstances, eq(vmInstances.id, vmSnapshots.vmId))
		.leftJoin(parents, eq(parents.id, vmSnapshots.parentId))
		.leftJoin(zones, eq(zones.id, vmSnapshots.zoneId))
		.leftJoin(accounts, eq(accounts.id, vmSnapshots.accountId))
		.leftJoin(domains, eq(domains.id, vmSnapshots.domainId));
}

type VmSnapshotView = Awaited<ReturnType<ReturnType<typeof viewQuery>["all"]>>[number];

export async function vmSnapshotPage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ rows: VmSnapshotView[]; count: number }> {
	const [rows, [total]] = await Promise.all([
		viewQuery(db)
			.where(where)
			.orderBy(asc(vmSnapshots.created), asc(vmSnapshots.id))
			.limit(window.limit)
			.offset(window.offset),
		db.select({ n: count() }).from(vmSnapshots).where(where),
	]);
	return { rows, count: total?.n ?? 0 };
}

export async function serializeVmSnapshotViews(db: Db, rows: VmSnapshotView[]): Promise<Record<string, unknown>[]> {
	const tags = await tagsOf(
		db,
		"VMSnapshot",
		rows.map((r) => r.snapshot.id),
	);
	return rows.map((row) => {
		const s = row.snapshot;
		return compact({
			id: s.id,
			name: s.name,
			state: s.state,
			description: s.description,
			displayname: s.displayName,
			zoneid: s.zoneId,
			zonename: row.zoneName,
			virtualmachineid: s.vmId,
			virtualmachinename: row.vmName,
			parent: s.parentId,
			parentName: row.parentName,
			current: s.current,
			type: "Disk",
			created: csDate(s.created),
			account: row.accountName,
			domainid: s.domainId,
			domain: row.domainName,
			domainpath: row.domainPath ? displayPath(row.domainPath) : undefined,
			hypervisor: "KVM",
			tags: tags(s.id),
			hasannotations: false,
		} satisfies Record<keyof typeof VM_SNAPSHOT_FIELDS, unknown>);
	});
}

export async function serializeVmSnapshotById(db: Db, id: string): Promise<Record<string, unknown>> {
	const [item] = await serializeVmSnapshotViews(db, await viewQuery(db).where(eq(vmSnapshots.id, id)));
	if (!item) throw new Error(`VM snapshot ${id} vanished`);
	return item;
}
