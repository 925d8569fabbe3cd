/**
 * @module The admin's side of a host's life: its resource state (Enabled, Disabled, maintenance)
 * and the transitions the maintenance commands make. The connection state (Up, Down,
 * Disconnected) is the relay's: the ZoneRelay DO applies what the site reports.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { HostRow } from "../../api/serializers/host";
import type { Db } from "../../db/client";
import { type EventInput, eventInsert } from "../../db/events";
import { hosts } from "../../db/schema";
import type { Caller } from "../../domain/access";

/** Resource states of a host on its way into, or in, maintenance. */
const MAINTENANCE_STATES = [
	"PrepareForMaintenance",
	"ErrorInPrepareForMaintenance",
	"Maintenance",
	"ErrorInMaintenance",
];

export function inMaintenance(resourceState: string): boolean {
	return MAINTENANCE_STATES.includes(resourceState);
}

/**
 * Moves the host from the resource state it was read in to `to`, with `event` (when given) in the
 * same batch. Guarded on the state read: a concurrent change is never overwritten, it is a 431.
 */
export async function moveResourceState(
	db: Db,
	now: number,
	caller: Caller,
	host: HostRow,
	from: string,
	to: string,
	event?: Pick<EventInput, "type" | "description">,
): Promise<void> {
	const update = db
		.update(hosts)
		.set({ resourceState: to })
		.where(and(eq(hosts.id, host.id), eq(hosts.resourceState, from)))
		.returning({ id: hosts.id });
	const [moved] = event
		? await db.batch([
				update,
				eventInsert(db, now, caller, { ...event, resourceType: "Host", resourceId: host.id, resourceName: host.name }),
			])
		: [await update];
	if (moved.length === 0) {
		throw new CsError(ERROR.paramError, `The resource state of host ${host.name} changed meanwhile; try again`);
	}
}
