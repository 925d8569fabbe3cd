/**
 * @module Lookups of the infrastructure tree (zone → pod → cluster) that commands share: a
 * missing or mismatched reference is CloudStack's 431, a blocked delete is 536.
 */
import { eq } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import type { Db } from "../client";
import { clusters, pods, zones } from "../schema";

export type ZoneRow = typeof zones.$inferSelect;
export type PodRow = typeof pods.$inferSelect;
export type ClusterRow = typeof clusters.$inferSelect;

export async function requireZone(db: Db, id: string, param = "zoneid"): Promise<ZoneRow> {
	const row = await db.select().from(zones).where(eq(zones.id, id)).get();
	if (!row) throw invalidParam(param, id);
	return row;
}

/** The pod, which must belong to `zoneId` when one is given. */
export async function requirePod(db: Db, id: string, zoneId?: string, param = "podid"): Promise<PodRow> {
	const row = await db.select().from(pods).where(eq(pods.id, id)).get();
	if (!row) throw invalidParam(param, id);
	if (zoneId !== undefined && row.zoneId !== zoneId) {
		throw new CsError(ERROR.paramError, `Pod ${id} does not belong to zone ${zoneId}`);
	}
	return row;
}

/** The cluster, which must belong to `podId` when one is given. */
export async function requireCluster(db: Db, id: string, podId?: string, param = "clusterid"): Promise<ClusterRow> {
	const row = await db.select().from(clusters).where(eq(clusters.id, id)).get();
	if (!row) throw invalidParam(param, id);
	if (podId !== undefined && row.podId !== podId) {
		throw new CsError(ERROR.paramError, `Cluster ${id} does not belong to pod ${podId}`);
	}
	return row;
}

/** 536 for a delete that children block; `blockers` names them, e.g. "2 pods (p1, p2)". */
export function resourceInUse(text: string): CsError {
	return new CsError(ERROR.resourceInUse, text);
}

/** "2 pods (rack-1, rack-2)": how a refusal names what blocks it (at most five names). */
export function describeBlockers(noun: string, names: readonly string[]): string {
	const shown = names.slice(0, 5).join(", ");
	const more = names.length > 5 ? `, … ${names.length - 5} more` : "";
	return `${names.length} ${noun}${names.length === 1 ? "" : "s"} (${shown}${more})`;
}

/** CloudStack's allocation states; the value is matched case-insensitively and normalised. */
export function allocationState(raw: string | undefined, fallback: "Enabled" | "Disabled"): "Enabled" | "Disabled" {
	if (raw === undefined) return fallback;
	const value = raw.trim().toLowerCase();
	if (value === "enabled") return "Enabled";
	if (value === "disabled") return "Disabled";
	throw new CsError(ERROR.paramError, `Unable to resolve Allocation State '${raw}' to a supported state`);
}
