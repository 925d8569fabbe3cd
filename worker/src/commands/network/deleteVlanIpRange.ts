import { and, count, eq, isNull, sql } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { abortBatchIf, allocatedInRange, rangeHasAllocated } from "../../db/repos/guest-ips";
import { resourceInUse } from "../../db/repos/inventory";
import { guestIps, networks, vlanIpRanges } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

type RangeRow = typeof vlanIpRanges.$inferSelect;

/** 536 naming how many addresses of the range are allocated, and to what. */
async function refuseIfAllocated(db: Db, range: RangeRow): Promise<void> {
	const allocated = await allocatedInRange(db, range.id);
	if (allocated.count === 0) return;
	const names = allocated.rows.map((r) => `${r.address} to ${r.allocatedTo}`);
	const more = allocated.count > names.length ? `, … ${allocated.count - names.length} more` : "";
	const noun = allocated.count === 1 ? "address is" : "addresses are";
	const shown = `${allocated.count} ${noun} allocated (${names.join(", ")}${more})`;
	throw resourceInUse(
		`The IP range ${range.startIp}-${range.endIp} cannot be deleted while it is in use: ${shown}; release them first`,
	);
}

export const deleteVlanIpRange = defineCommand({
	name: "deleteVlanIpRange",
	description: "Deletes a guest IP range (VLAN IP range); refused while any of its addresses is allocated.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the id of the VLAN IP range", { required: true, related: "listVlanIpRanges" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createVlanIpRange", "listVlanIpRanges"],
	async handle({ params, deps, caller }) {
		const { db } = deps;
		const range = await db.select().from(vlanIpRanges).where(eq(vlanIpRanges.id, params.id)).get();
		if (!range) throw invalidParam("id", params.id);
		await refuseIfAllocated(db, range);
		const [others, network] = await Promise.all([
			db
				.select({ n: count() })
				.from(vlanIpRanges)
				.where(and(eq(vlanIpRanges.networkId, range.networkId), sql`${vlanIpRanges.id} <> ${range.id}`)),
			db.select().from(networks).where(eq(networks.id, range.networkId)).get(),
		]);
		const now = deps.clock.now();
		const description = `${range.startIp}-${range.endIp}`;
		// A basic zone's default network takes its subnet from its ranges: without any left, the
		// next first range may bring a new one. Networks created with a subnet keep it.
		const clearSubnet = network?.isDefault === true && (others[0]?.n ?? 0) === 0;
		try {
			await db.batch([
				// An address allocated between the check above and this batch aborts it.
				abortBatchIf(db, rangeHasAllocated(range.id)),
				db.delete(guestIps).where(and(eq(guestIps.rangeId, range.id), isNull(guestIps.allocatedTo))),
				db.delete(vlanIpRanges).where(eq(vlanIpRanges.id, range.id)),
				...(clearSubnet
					? [
							db
								.update(networks)
								.set({ gateway: null, netmask: null, cidr: null, vlan: null })
								.where(eq(networks.id, range.networkId)),
						]
					: []),
				eventInsert(db, now, caller, {
					type: "VLAN.IP.RANGE.DELETE",
					description: `Guest IP range ${description} deleted from network ${network?.name ?? range.networkId}`,
					resourceType: "Vlan",
					resourceId: range.id,
					resourceName: description,
				}),
			]);
		} catch (error) {
			await refuseIfAllocated(db, range);
			throw error;
		}
		return { type: "success" };
	},
});
