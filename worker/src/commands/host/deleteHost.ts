import { and, eq, isNull } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { resourceInUse } from "../../db/repos/inventory";
import { hosts, vmInstances } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { releaseHost } from "./host-link";
import { requireHost } from "./host-view";

/** Connection states in which a host may go without maintenance: nothing runs there that we can reach. */
const GONE = ["Down", "Disconnected"];

export const deleteHost = defineCommand({
	name: "deleteHost",
	description: "Deletes a host: it must be in maintenance (or Down/Disconnected) unless forced",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the host ID", { required: true, related: "listHosts" }),
		forced: p.boolean("Force delete the host even if it is not in maintenance"),
		forcedestroylocalstorage: p.boolean("Force destroy local storage on this host (no local storage yet: ignored)"),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const host = await requireHost(deps.db, params.id);
		if (params.forced !== true && host.resourceState !== "Maintenance" && !GONE.includes(host.state)) {
			throw resourceInUse(
				`Host ${host.id} cannot be deleted as it is not in maintenance mode. Either put the host into maintenance or perform a forced deletion.`,
			);
		}
		// Instances placed on the host must be moved or stopped first, forced or not: deleting the row
		// under them would lose where they run.
		const placed = await deps.db
			.select({ name: vmInstances.name })
			.from(vmInstances)
			.where(and(eq(vmInstances.hostId, host.id), isNull(vmInstances.removed)))
			.limit(5);
		if (placed.length > 0) {
			throw resourceInUse(
				`Host ${host.name} still has instances (${placed.map((v) => v.name).join(", ")}); migrate or stop them first`,
			);
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(hosts).where(eq(hosts.id, host.id)),
			eventInsert(deps.db, now, caller, {
				type: "HOST.DELETE",
				description: `Host ${host.name} deleted`,
				resourceType: "Host",
				resourceId: host.id,
				resourceName: host.name,
			}),
		]);
		// After the delete: an agent that misses this (none connected) forgets the host at its next
		// hello, when the ZoneRelay finds it unknown to D1.
		await releaseHost(deps, host.zoneId, host.id);
		return { type: "success" };
	},
});
