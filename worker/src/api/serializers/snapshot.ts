/**
 * @module snapshots (with their volume, zone, store and owner names, one joined query) → CloudStack
 * `snapshot` (SnapshotResponse). Snapshots are kept on secondary storage, as CloudStack does.
 */
import { asc, count, eq, type SQL } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { tagsOf } from "../../db/repos/tags";
import { accounts, domains, imageStores, snapshots, volumes, zones } from "../../db/schema";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export const SNAPSHOT_FIELDS = {
	id: ["string", "ID of the snapshot"],
	name: ["string", "name of the snapshot"],
	account: ["string", "the account associated with the snapshot"],
	domainid: ["string", "the domain ID of the snapshot's account"],
	domain: ["string", "the domain name of the snapshot's account"],
	domainpath: ["string", "path of the Domain the snapshot's account belongs to"],
	snapshottype: ["string", "the type of the snapshot"],
	volumeid: ["string", "ID of the disk volume"],
	volumename: ["string", "name of the disk volume"],
	volumetype: ["string", "type of the disk volume"],
	volumestate: ["string", "state of the disk volume"],
	created: ["date", "the date the snapshot was created"],
	intervaltype: ["string", "valid types are hourly, daily, weekly, monthy, template, and none."],
	locationtype: ["string", "valid location types are primary and secondary."],
	state: ["string", "the state of the snapshot. BackedUp means that snapshot is ready to be used"],
	physicalsize: ["long", "physical size of backedup snapshot on image store"],
	virtualsize: ["long", "virtual size of backedup snapshot on image store"],
	zoneid: ["string", "id of the availability zone"],
	zonename: ["string", "name of the availability zone"],
	revertable: ["boolean", "indicates whether the underlying storage supports reverting the volume to this snapshot"],
	datastoreid: ["string", "id of the datastore for the snapshot entry"],
	datastorename: ["string", "name of the datastore for the snapshot entry"],
	datastorestate: ["string", "state of the snapshot on the datastore"],
	datastoretype: ["string", "type of the datastore for the snapshot entry"],
	tags: ["set", "the list of resource tags associated"],
	hasannotations: ["boolean", "whether the snapshot has annotations"],
} as const satisfies FieldTable;

function viewQuery(db: Db) {
	return db
		.select({
			snapshot: snapshots,
			volumeName: volumes.name,
			volumeType: volumes.type,
			volumeState: volumes.state,
			zoneName: zones.name,
			storeName: imageStores.name,
			accountName: accounts.name,
			domainName: domains.name,
			domainPath: domains.path,
		})
		.from(snapshots)
		.leftJoin(volumes, eq(volumes.id, snapshots.volumeId))
		.leftJoin(zones, eq(zones.id, snapshots.zoneId))
		.leftJoin(imageStores, eq(imageStores.id, snapshots.imageStoreId))
		.leftJoin(accounts, eq(accounts.id, snapshots.accountId))
		.leftJoin(domains, eq(domains.id, snapshots.domainId));
}

type SnapshotView = Awaited<ReturnType<ReturnType<typeof viewQuery>["all"]>>[number];

export async function snapshotPage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ rows: SnapshotView[]; count: number }> {
	const [rows, [total]] = await Promise.all([
		viewQuery(db)
			.where(where)
			.orderBy(asc(snapshots.created), asc(snapshots.id))
			.limit(window.limit)
			.offset(window.offset),
		db.select({ n: count() }).from(snapshots).where(where),
	]);
	return { rows, count: total?.n ?? 0 };
}

export async function serializeSnapshotViews(db: Db, rows: SnapshotView[]): Promise<Record<string, unknown>[]> {
	const tags = await tagsOf(
		db,
		"Snapshot",
		rows.map((r) => r.snapshot.id),
	);
	return rows.map((row) => {
		const s = row.snapshot;
		return compact({
			id: s.id,
			name: s.name,
			account: row.accountName,
			domainid: s.domainId,
			domain: row.domainName,
			domainpath: row.domainPath ? displayPath(row.domainPath) : undefined,
			snapshottype: s.intervalType,
			volumeid: s.volumeId,
			volumename: row.volumeName,
			volumetype: row.volumeType,
			volumestate: row.volumeState,
			created: csDate(s.created),
			intervaltype: s.intervalType,
			locationtype: "SECONDARY",
			state: s.state,
			physicalsize: s.physicalBytes,
			virtualsize: s.sizeBytes,
			zoneid: s.zoneId,
			zonename: row.zoneName,
			revertable: s.state === "BackedUp",
			datastoreid: s.imageStoreId,
			datastorename: row.storeName,
			datastorestate: s.imageStoreId ? (s.state === "BackedUp" ? "Ready" : s.state) : undefined,
			datastoretype: s.imageStoreId ? "Image" : undefined,
			tags: tags(s.id),
			hasannotations: false,
		} satisfies Record<keyof typeof SNAPSHOT_FIELDS, unknown>);
	});
}

export async function serializeSnapshotById(db: Db, id: string): Promise<Record<string, unknown>> {
	const [item] = await serializeSnapshotViews(db, await viewQuery(db).where(eq(snapshots.id, id)));
	if (!item) throw new Error(`snapshot ${id} vanished`);
	return item;
}
