/**
 * @module What the volume commands check in the request, before a job is queued: the disk
 * offering and size a new or resized volume gets, and the names CloudStack gives volumes.
 */
import { and, count, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { Db } from "../../db/client";
import { diskOfferings, volumes } from "../../db/schema";
import { GIB } from "../../volumes/paths";

export type DiskOfferingRow = typeof diskOfferings.$inferSelect;

/** An active disk offering a volume may use (not a service offering's hidden root-disk one). */
export async function requireDiskOffering(db: Db, id: string, param = "diskofferingid"): Promise<DiskOfferingRow> {
	const row = await db
		.select()
		.from(diskOfferings)
		.where(and(eq(diskOfferings.id, id), isNull(diskOfferings.removed)))
		.get();
	if (!row || row.computeOnly || row.state !== "Active") {
		throw new CsError(ERROR.paramError, `Unable to find disk offering with ${param} ${id}`);
	}
	return row;
}

/** The bytes a volume of `offering` gets: the offering's size, or `sizeGb` for a customized one. */
export function volumeBytes(offering: DiskOfferingRow, sizeGb: number | undefined): number {
	if (offering.customized) {
		if (sizeGb === undefined) {
			throw new CsError(ERROR.paramError, `Disk offering ${offering.name} is customized: please specify size (GB)`);
		}
		if (sizeGb < 1 || sizeGb > 64 * 1024) {
			throw new CsError(ERROR.paramError, `Invalid size ${sizeGb}: a volume is between 1 and 65536 GB`);
		}
		return sizeGb * GIB;
	}
	if (sizeGb !== undefined && sizeGb * GIB !== offering.diskSize * GIB) {
		throw new CsError(
			ERROR.paramError,
			`Disk offering ${offering.name} has a fixed size of ${offering.diskSize} GB: leave out size or use a customized offering`,
		);
	}
	if (offering.diskSize <= 0) throw new CsError(ERROR.paramError, `Disk offering ${offering.name} has no size`);
	return offering.diskSize * GIB;
}

/** CloudStack-style `DATA-<n>`: n counts the account's volumes (uniqueness is not needed). */
export async function dataVolumeName(db: Db, accountId: string): Promise<string> {
	const [row] = await db.select({ n: count() }).from(volumes).where(eq(volumes.accountId, accountId));
	return `DATA-${(row?.n ?? 0) + 1}`;
}

/** Refuses a command on a volume that a job is changing right now. */
export function requireVolumeState(
	volume: { name: string; state: string },
	allowed: readonly string[],
	action: string,
): void {
	if (!allowed.includes(volume.state)) {
		throw new CsError(
			ERROR.paramError,
			`Volume ${volume.name} is ${volume.state}: it can be ${action} only when ${allowed.join(" or ")}`,
		);
	}
}
