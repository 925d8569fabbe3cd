/** @module Loading disk offerings and turning rows into responses with their names resolved. */
import { and, eq, isNull } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { serializeDiskOffering } from "../../api/serializers/disk-offering";
import type { Db } from "../../db/client";
import { diskOfferings } from "../../db/schema";
import { idsAndNames, loadOfferingRefs } from "./offering-rules";

export type DiskOfferingRow = typeof diskOfferings.$inferSelect;

/**
 * A live disk offering, or CloudStack's 431. A service offering's own root-disk offering
 * (compute only) is not a disk offering a client may name.
 */
export async function requireDiskOffering(db: Db, id: string, param = "id"): Promise<DiskOfferingRow> {
	const row = await db
		.select()
		.from(diskOfferings)
		.where(and(eq(diskOfferings.id, id), isNull(diskOfferings.removed), eq(diskOfferings.computeOnly, false)))
		.get();
	if (!row) throw invalidParam(param, id);
	return row;
}

export async function diskOfferingItems(db: Db, rows: DiskOfferingRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const refs = await loadOfferingRefs(db, rows);
	return rows.map((row) =>
		serializeDiskOffering(row, {
			domains: idsAndNames(row.domainIds, refs.domainName),
			zones: idsAndNames(row.zoneIds, refs.zoneName),
		}),
	);
}

export async function diskOfferingResponse(db: Db, row: DiskOfferingRow): Promise<Record<string, unknown>> {
	const [value = {}] = await diskOfferingItems(db, [row]);
	return value;
}
