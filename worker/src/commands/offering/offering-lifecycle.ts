/**
 * @module What disk and service offerings share once loaded: the update of their common fields,
 * the insert of a new one and delete (soft delete, or only deactivation while still in use),
 * each recording its event. An {@link OfferingKind} names the table and the words that differ.
 */
import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { deleteTagsOf } from "../../db/repos/tags";
import { diskOfferings, serviceOfferings } from "../../db/schema";
import type { Caller } from "../../domain/access";
import type { Deps } from "../types";
import { diskOfferingInUse, serviceOfferingInUse } from "./in-use";
import {
	assertMayManage,
	domainsOf,
	joinIds,
	parseOfferingState,
	resolveDomains,
	resolveZones,
	updateList,
} from "./offering-rules";

type OfferingTable = typeof diskOfferings | typeof serviceOfferings;

/** The columns every offering row has. */
interface OfferingRow {
	id: string;
	name: string;
	displayText: string;
	sortKey: number;
	state: string;
	domainIds: string | null;
	zoneIds: string | null;
}

export interface OfferingKind<T extends OfferingTable = OfferingTable> {
	table: T;
	/** Lower case, as in "disk offering": error texts and the domain check. */
	noun: string;
	/** Capitalised, as in "Disk offering": event descriptions. */
	label: string;
	/** The resource type of its events and tags. */
	resourceType: string;
	/** Its event types, spelled out so listEventTypes' catalogue test finds them. */
	createEvent: string;
	editEvent: string;
	deleteEvent: string;
	/** Whether delete must only deactivate it. */
	inUse(db: Deps["db"], id: string): Promise<boolean>;
}

export const DISK_OFFERING: OfferingKind<typeof diskOfferings> = {
	table: diskOfferings,
	noun: "disk offering",
	label: "Disk offering",
	resourceType: "DiskOffering",
	createEvent: "DISK.OFFERING.CREATE",
	editEvent: "DISK.OFFERING.EDIT",
	deleteEvent: "DISK.OFFERING.DELETE",
	inUse: diskOfferingInUse,
};

export const SERVICE_OFFERING: OfferingKind<typeof serviceOfferings> = {
	table: serviceOfferings,
	noun: "service offering",
	label: "Service offering",
	resourceType: "ServiceOffering",
	createEvent: "SERVICE.OFFERING.CREATE",
	editEvent: "SERVICE.OFFERING.EDIT",
	deleteEvent: "SERVICE.OFFERING.DELETE",
	inUse: serviceOfferingInUse,
};

interface Ctx {
	deps: Deps;
	caller: Caller;
}

function offeringEvent(kind: OfferingKind, ctx: Ctx, now: number, type: string, row: OfferingRow, description: string) {
	return eventInsert(ctx.deps.db, now, ctx.caller, {
		type,
		description,
		resourceType: kind.resourceType,
		resourceId: row.id,
		resourceName: row.name,
	});
}

/**
 * The domains and zones a new offering is restricted to (none: public, all zones), once they are
 * known and the caller may create an offering there.
 */
export async function newOfferingScope(
	kind: OfferingKind,
	ctx: Ctx,
	params: { domainid?: string[] | undefined; zoneid?: string[] | undefined },
): Promise<{ domainIds: string | null; zoneIds: string | null }> {
	const domainRows = await resolveDomains(ctx.deps.db, params.domainid ?? []);
	const zoneIds = await resolveZones(ctx.deps.db, params.zoneid ?? []);
	assertMayManage(ctx.caller, domainRows, "create", kind.noun);
	return { domainIds: joinIds(domainRows.map((d) => d.id)), zoneIds: joinIds(zoneIds) };
}

/** Inserts a new offering row with its CREATE event. */
export async function insertOffering<T extends OfferingTable>(
	kind: OfferingKind<T>,
	ctx: Ctx,
	now: number,
	row: T["$inferInsert"] & OfferingRow,
): Promise<void> {
	const { db } = ctx.deps;
	await db.batch([
		db.insert(kind.table).values(row),
		offeringEvent(kind, ctx, now, kind.createEvent, row, `${kind.label} ${row.name} created`),
	]);
}

/** The update parameters every offering takes. */
export interface OfferingUpdateParams {
	name?: string | undefined;
	displaytext?: string | undefined;
	sortkey?: number | undefined;
	domainid?: string | undefined;
	zoneid?: string | undefined;
	state?: string | undefined;
}

/**
 * Applies the common update parameters and the kind's own `extra` changes to `offering`, after
 * checking the caller may manage it (and the domains it is moved to); records the EDIT event.
 * Returns the updated row.
 */
export async function updateOffering<R extends OfferingRow>(
	kind: OfferingKind,
	ctx: Ctx,
	offering: R,
	params: OfferingUpdateParams,
	extra: Partial<R>,
): Promise<R> {
	const { deps, caller } = ctx;
	const changes: Partial<OfferingRow> = {};
	if (params.name !== undefined) {
		const name = params.name.trim();
		if (name === "") throw new CsError(ERROR.paramError, `The ${kind.noun} name must not be empty`);
		changes.name = name;
	}
	if (params.displaytext !== undefined && params.displaytext.trim() !== "") changes.displayText = params.displaytext;
	if (params.sortkey !== undefined) changes.sortKey = params.sortkey;
	Object.assign(changes, extra);
	if (params.state !== undefined) changes.state = parseOfferingState(params.state);

	assertMayManage(caller, await domainsOf(deps.db, offering.domainIds), "update", kind.noun);
	const domainList = updateList(params.domainid, "public");
	if (domainList !== undefined) {
		const rows = await resolveDomains(deps.db, domainList);
		assertMayManage(caller, rows, "update", kind.noun);
		changes.domainIds = joinIds(rows.map((d) => d.id));
	}
	const zoneList = updateList(params.zoneid, "all");
	if (zoneList !== undefined) changes.zoneIds = joinIds(await resolveZones(deps.db, zoneList));

	const row: R = { ...offering, ...changes };
	const event = offeringEvent(kind, ctx, deps.clock.now(), kind.editEvent, row, `${kind.label} ${row.name} updated`);
	// drizzle refuses an empty SET: a call that changes nothing only records the event.
	if (Object.keys(changes).length === 0) await event;
	else await deps.db.batch([deps.db.update(kind.table).set(changes).where(eq(kind.table.id, offering.id)), event]);
	return row;
}

/**
 * Deletes `offering` once the caller may manage it: one still in use is only deactivated (state
 * Inactive), any other is soft-deleted with its tags. Records the DELETE event either way.
 */
export async function deleteOffering(kind: OfferingKind, ctx: Ctx, offering: OfferingRow): Promise<void> {
	const { deps, caller } = ctx;
	assertMayManage(caller, await domainsOf(deps.db, offering.domainIds), "delete", kind.noun);
	const inUse = await kind.inUse(deps.db, offering.id);
	const now = deps.clock.now();
	const event = offeringEvent(
		kind,
		ctx,
		now,
		kind.deleteEvent,
		offering,
		inUse
			? `${kind.label} ${offering.name} is in use: deactivated instead of deleted`
			: `${kind.label} ${offering.name} deleted`,
	);
	const where = eq(kind.table.id, offering.id);
	if (inUse) {
		await deps.db.batch([deps.db.update(kind.table).set({ state: "Inactive" }).where(where), event]);
	} else {
		await deps.db.batch([
			deps.db.update(kind.table).set({ state: "Inactive", removed: now }).where(where),
			deleteTagsOf(deps.db, kind.resourceType, offering.id),
			event,
		]);
	}
}
