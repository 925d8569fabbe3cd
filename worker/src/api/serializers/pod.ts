/**
 * @module pod → CloudStack `pod` response. CloudStack 4.22 answers a pod's management ranges as
 * parallel lists (startip[], endip[], forsystemvms[], vlanid[]) plus ipranges[]; a pod here has
 * one untagged range, not reserved for system VMs.
 */
import { inArray } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import type { PodRow } from "../../db/repos/inventory";
import { zones } from "../../db/schema";
import { compact } from "./format";

export const POD_FIELDS = {
	id: ["string", "the ID of the Pod"],
	name: ["string", "the name of the Pod"],
	zoneid: ["string", "the Zone ID of the Pod"],
	zonename: ["string", "the Zone name of the Pod"],
	gateway: ["string", "the gateway of the Pod"],
	netmask: ["string", "the netmask of the Pod"],
	ipranges: ["list", "the IP ranges for the Pod"],
	startip: [
		"list",
		"the starting IP for the Pod. This parameter is deprecated, please use 'startip' from ipranges parameter.",
	],
	endip: [
		"list",
		"the ending IP for the Pod. This parameter is deprecated, please use 'endip' from ipranges parameter.",
	],
	forsystemvms: [
		"list",
		"indicates if range is dedicated for CPVM and SSVM. This parameter is deprecated, please use 'forsystemvms' from ipranges parameter.",
	],
	vlanid: [
		"list",
		"indicates Vlan ID for the range. This parameter is deprecated, please use 'vlanid' from ipranges parameter.",
	],
	allocationstate: ["string", "the allocation state of the Pod"],
	hasannotations: ["boolean", "the pod has annotations"],
} as const satisfies FieldTable;

// CloudStack's IpRangeResponse values for an untagged range that is not reserved for system VMs.
const NOT_FOR_SYSTEM_VMS = "0";
const UNTAGGED = "vlan://untagged";

/** The pods with their zone names (one query). */
export async function serializePods(db: Db, rows: readonly PodRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const zoneIds = [...new Set(rows.map((r) => r.zoneId))];
	const names = new Map(
		(await db.select({ id: zones.id, name: zones.name }).from(zones).where(inArray(zones.id, zoneIds))).map((z) => [
			z.id,
			z.name,
		]),
	);
	return rows.map((row) =>
		compact({
			id: row.id,
			name: row.name,
			zoneid: row.zoneId,
			zonename: names.get(row.zoneId),
			gateway: row.gateway,
			netmask: row.netmask,
			ipranges: [{ startip: row.startIp, endip: row.endIp, forsystemvms: NOT_FOR_SYSTEM_VMS, vlanid: UNTAGGED }],
			startip: [row.startIp],
			endip: [row.endIp],
			forsystemvms: [NOT_FOR_SYSTEM_VMS],
			vlanid: [UNTAGGED],
			allocationstate: row.allocationState,
			hasannotations: false,
		} satisfies Record<keyof typeof POD_FIELDS, unknown>),
	);
}
