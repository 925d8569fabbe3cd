/**
 * @module Whether an offering is still used, which decides whether delete removes it or only
 * deactivates it (CloudStack keeps in-use offerings so existing VMs and volumes still resolve).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { serviceOfferings } from "../../db/schema";

/**
 * Whether any VM still uses the service offering. There are no VMs yet: the instance issue adds
 * the virtual machine table and must make this query it (live VMs with this offering).
 */
export async function serviceOfferingInUse(_db: Db, _id: string): Promise<boolean> {
	return false;
}

/**
 * Whether the disk offering is still used: by a live service offering that names it as its root
 * disk offering (`diskofferingid`). Volumes do not exist yet: the volume issue must add them here.
 */
export async function diskOfferingInUse(db: Db, id: string): Promise<boolean> {
	const user = await db
		.select({ id: serviceOfferings.id })
		.from(serviceOfferings)
		.where(and(eq(serviceOfferings.diskOfferingId, id), isNull(serviceOfferings.removed)))
		.limit(1)
		.get();
	return user !== undefined;
}
