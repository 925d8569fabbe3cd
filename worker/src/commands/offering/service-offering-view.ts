/** @module Loading service offerings and turning rows into responses with their names resolved. */
import { and, eq, isNull } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { serializeServiceOffering } from "../../api/serializers/service-offering";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { diskOfferings, serviceOfferings } from "../../db/schema";
import { idsAndNames, loadOfferingRefs } from "./offering-rules";

export type ServiceOfferingRow = typeof serviceOfferings.$inferSelect;

/** A live (not deleted) service offering, or CloudStack's 431 for the parameter. */
export async function requireServiceOffering(db: Db, id: string, param = "id"): Promise<ServiceOfferingRow> {
	const row = await db
		.select()
		.from(serviceOfferings)
		.where(and(eq(serviceOfferings.id, id), isNull(serviceOfferings.removed)))
		.get();
	if (!row) throw invalidParam(param, id);
	return row;
}

/** Responses for `rows`, with domain, zone and disk offering names (three queries in all). */
export async function serviceOfferingItems(db: Db, rows: ServiceOfferingRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const diskIds = [...new Set(rows.map((r) => r.diskOfferingId).filter((id): id is string => id !== null))];
	const [refs, disks] = await Promise.all([
		loadOfferingRefs(db, rows),
		diskIds.length
			? db
					.select({ id: diskOfferings.id, name: diskOfferings.name, displayText: diskOfferings.displayText })
					.from(diskOfferings)
					.where(inIds(diskOfferings.id, diskIds))
			: Promise.resolve([]),
	]);
	const diskById = new Map(disks.map((d) => [d.id, d]));
	return rows.map((row) =>
		serializeServiceOffering(row, {
			domains: idsAndNames(row.domainIds, refs.domainName),
			zones: idsAndNames(row.zoneIds, refs.zoneName),
			diskOffering: row.diskOfferingId ? diskById.get(row.diskOfferingId) : undefined,
		}),
	);
}

export async function serviceOfferingResponse(db: Db, row: ServiceOfferingRow): Promise<Record<string, unknown>> {
	const [value = {}] = await serviceOfferingItems(db, [row]);
	return value;
}
