/**
 * @module volumes (with the names around them) → CloudStack `volume` (VolumeResponse). The page and
 * the single-volume reads join zone, instance, pool, offerings, template and owner in one query
 * (no `db.batch`: drizzle shifts joined columns of the same name in batches).
 */
import { and, asc, count, eq, type SQL } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { tagsOf } from "../../db/repos/tags";
import {
	accounts,
	diskOfferings,
	domains,
	serviceOfferings,
	storagePools,
	templates,
	vmInstances,
	volumes,
	zones,
} from "../../db/schema";
import { type Caller, isRootAdmin, visibleSubtree } from "../../domain/access";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export const VOLUME_FIELDS = {
	id: ["string", "ID of the disk volume"],
	name: ["string", "name of the disk volume"],
	zoneid: ["string", "ID of the availability zone"],
	zonename: ["string", "name of the availability zone"],
	type: ["string", "type of the disk volume (ROOT or DATADISK)"],
	deviceid: ["long", "the ID of the device on user vm the volume is attached to"],
	virtualmachineid: ["string", "id of the virtual machine"],
	vmname: ["string", "name of the virtual machine"],
	vmdisplayname: ["string", "display name of the virtual machine"],
	vmstate: ["string", "state of the virtual machine"],
	vmtype: ["string", "type of the virtual machine"],
	provisioningtype: ["string", "provisioning type used to create volumes"],
	size: ["long", "size of the disk volume in bytes"],
	virtualsize: ["long", "the bytes allocated"],
	created: ["date", "the date the disk volume was created"],
	attached: ["date", "the date the volume was attached to a VM instance"],
	state: ["string", "the state of the disk volume"],
	account: ["string", "the account associated with the disk volume"],
	domainid: ["string", "the ID of the domain associated with the disk volume"],
	domain: ["string", "the domain associated with the disk volume"],
	domainpath: ["string", "path of the domain the disk volume belongs to"],
	storagetype: ["string", "shared or local storage"],
	hypervisor: ["string", "Hypervisor the volume belongs to"],
	diskofferingid: ["string", "ID of the disk offering"],
	diskofferingname: ["string", "name of the disk offering"],
	diskofferingdisplaytext: ["string", "the display text of the disk offering"],
	serviceofferingid: ["string", "ID of the service offering for root disk"],
	serviceofferingname: ["string", "name of the service offering for root disk"],
	serviceofferingdisplaytext: ["string", "the display text of the service offering for root disk"],
	templateid: ["string", "the ID of the template the ROOT volume was created from"],
	templatename: ["string", "the name of the template the ROOT volume was created from"],
	templatedisplaytext: ["string", "the display text of the template"],
	storage: ["string", "name of the primary storage hosting the disk volume"],
	storageid: ["string", "id of the primary storage hosting the disk volume; returned to admin user only"],
	clusterid: ["string", "cluster id of the volume"],
	podid: ["string", "pod id of the volume"],
	path: ["string", "the path of the volume"],
	destroyed: ["boolean", "the boolean state of whether the volume is destroyed or not"],
	isextractable: ["boolean", "true if the volume is extractable, false otherwise"],
	displayvolume: ["boolean", "an optional field whether to the display the volume to the end user or not"],
	quiescevm: ["boolean", "need quiesce vm or not when taking snapshot"],
	supportsstoragesnapshot: ["boolean", "true if storage snapshot is supported for the volume, false otherwise"],
	tags: ["set", "the list of resource tags associated"],
	hasannotations: ["boolean", "whether the volume has annotations"],
} as const satisfies FieldTable;

const VIEW_COLUMNS = {
	volume: volumes,
	zoneName: zones.name,
	vmName: vmInstances.name,
	vmDisplayName: vmInstances.displayName,
	vmState: vmInstances.state,
	vmOfferingId: vmInstances.serviceOfferingId,
	poolName: storagePools.name,
	poolClusterId: storagePools.clusterId,
	poolPodId: storagePools.podId,
	diskOfferingName: diskOfferings.name,
	diskOfferingText: diskOfferings.displayText,
	provisioning: diskOfferings.provisioningType,
	templateName: templates.name,
	templateText: templates.displayText,
	accountName: accounts.name,
	domainName: domains.name,
	domainPath: domains.path,
};

function viewQuery(db: Db) {
	return db
		.select(VIEW_COLUMNS)
		.from(volumes)
		.leftJoin(zones, eq(zones.id, volumes.zoneId))
		.leftJoin(vmInstances, eq(vmInstances.id, volumes.vmId))
		.leftJoin(storagePools, eq(storagePools.id, volumes.poolId))
		.leftJoin(diskOfferings, eq(diskOfferings.id, volumes.diskOfferingId))
		.leftJoin(templates, eq(templates.id, volumes.templateId))
		.leftJoin(accounts, eq(accounts.id, volumes.accountId))
		.leftJoin(domains, eq(domains.id, volumes.domainId));
}

type VolumeView = Awaited<ReturnType<ReturnType<typeof viewQuery>["all"]>>[number];

/** A page of volumes matching `where` (conditions on the volumes table), oldest first, and the total. */
export async function volumePage(
	db: Db,
	where: SQL | undefined,
	window: { limit: number; offset: number },
): Promise<{ rows: VolumeView[]; count: number }> {
	const [rows, [total]] = await Promise.all([
		viewQuery(db).where(where).orderBy(asc(volumes.created), asc(volumes.id)).limit(window.limit).offset(window.offset),
		db.select({ n: count() }).from(volumes).where(where),
	]);
	return { rows, count: total?.n ?? 0 };
}

/** Serialized volumes with their tags and their ROOT disks' service offering names. */
export async function serializeVolumeViews(
	db: Db,
	rows: VolumeView[],
	caller?: Caller,
): Promise<Record<string, unknown>[]> {
	const ids = rows.map((r) => r.volume.id);
	const offeringIds = [
		...new Set(rows.filter((r) => r.volume.type === "ROOT" && r.vmOfferingId).map((r) => r.vmOfferingId as string)),
	];
	const [tags, offerings] = await Promise.all([
		tagsOf(db, "Volume", ids),
		offeringIds.length === 0
			? Promise.resolve([])
			: db
					.select({ id: serviceOfferings.id, name: serviceOfferings.name, text: serviceOfferings.displayText })
					.from(serviceOfferings)
					.where(inIds(serviceOfferings.id, offeringIds)),
	]);
	const offering = new Map(offerings.map((o) => [o.id, o]));
	// CloudStack's Full view (admins) shows where the volume is; the Restricted one does not.
	const admin = caller === undefined || visibleSubtree(caller) !== null;
	return rows.map((row) => {
		const v = row.volume;
		const so = v.type === "ROOT" && row.vmOfferingId ? offering.get(row.vmOfferingId) : undefined;
		return compact({
			id: v.id,
			name: v.name,
			zoneid: v.zoneId,
			zonename: row.zoneName,
			type: v.type,
			deviceid: v.vmId ? v.deviceId : undefined,
			virtualmachineid: v.vmId,
			vmname: row.vmName,
			vmdisplayname: row.vmDisplayName,
			vmstate: row.vmState,
			vmtype: v.vmId ? "User" : undefined,
			provisioningtype: row.provisioning ?? "thin",
			size: v.sizeBytes,
			virtualsize: v.sizeBytes,
			created: csDate(v.created),
			attached: v.attached ? csDate(v.attached) : undefined,
			state: v.state,
			account: row.accountName,
			domainid: v.domainId,
			domain: row.domainName,
			domainpath: row.domainPath ? displayPath(row.domainPath) : undefined,
			storagetype: "shared",
			hypervisor: "KVM",
			diskofferingid: v.diskOfferingId,
			diskofferingname: row.diskOfferingName,
			diskofferingdisplaytext: row.diskOfferingText,
			serviceofferingid: so?.id,
			serviceofferingname: so?.name,
			serviceofferingdisplaytext: so?.text,
			templateid: v.templateId,
			templatename: row.templateName,
			templatedisplaytext: row.templateText,
			storage: row.poolName,
			storageid: admin ? v.poolId : undefined,
			clusterid: admin ? row.poolClusterId : undefined,
			podid: admin ? row.poolPodId : undefined,
			path: caller === undefined || isRootAdmin(caller) ? v.path : undefined,
			destroyed: v.state === "Destroy",
			isextractable: false,
			displayvolume: true,
			quiescevm: false,
			supportsstoragesnapshot: false,
			tags: tags(v.id),
			hasannotations: false,
		} satisfies Record<keyof typeof VOLUME_FIELDS, unknown>);
	});
}

/** One volume as a response object (also for removed volumes: a job's final answer). */
export async function serializeVolumeById(db: Db, id: string, caller?: Caller): Promise<Record<string, unknown>> {
	const rows = await viewQuery(db).where(and(eq(volumes.id, id)));
	const [item] = await serializeVolumeViews(db, rows, caller);
	if (!item) throw new Error(`volume ${id} vanished`);
	return item;
}
