/**
 * @module Whether an offering is still used, which decides whether delete removes it or only
 * deactivates it (CloudStack keeps in-use offerings so existing VMs and volumes still resolve).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { serviceOfferings, vmInstances, volumes } from "../../db/schema";

/** Whether any instance that is not expunged still uses the service offering. */
export async function serviceOfferingInUse(db: Db, id: string): Promise<boolean> {
	const user = await db
		.select({ id: vmInstances.id })
		.from(vmInstances)
		.where(and(eq(vmInstances.serviceOfferingId, id), isNull(vmInstances.removed)))
		.limit(1)
		.get();
	return user !== undefined;
}

/**
 * Whether the disk offering is still used: by a live service offering that names it as its root
 * disk offering (`diskofferingid`), or by a volume that is not expunged.
 */
export async function diskOfferingInUse(db: Db, id: string): Promise<boolean> {
	const [offering, volume] = await Promise.all([
		db
			.select({ id: serviceOfferings.id })
			.from(serviceOfferings)
			.where(and(eq(serviceOfferings.diskOfferingId, id), isNull(serviceOfferings.removed)))
			.limit(1)
			.get(),
		db
			.select({ id: volumes.id })
			.from(volumes)
			.where(and(eq(volumes.diskOfferingId, id), isNull(volumes.removed)))
			.limit(1)
			.get(),
	]);
	return offering !== undefined || volume !== undefined;
}
