/** @module A capacity figure → CloudStack `capacity` (CapacityResponse). */
import type { FieldTable } from "../../commands/types";
import { CAPACITY_NAMES, type CapacityFigure, percentUsed } from "../../db/repos/capacity";
import { compact } from "./format";

export const CAPACITY_FIELDS = {
	type: ["short", "the capacity type"],
	name: ["string", "the capacity name"],
	zoneid: ["string", "the Zone ID"],
	zonename: ["string", "the Zone name"],
	podid: ["string", "the Pod ID"],
	podname: ["string", "the Pod name"],
	clusterid: ["string", "the Cluster ID"],
	clustername: ["string", "the Cluster name"],
	capacityallocated: ["long", "the capacity currently in allocated"],
	capacityused: ["long", "the capacity currently in use"],
	capacitytotal: ["long", "the total capacity available"],
	percentused: ["string", "the percentage of capacity currently in use"],
} as const satisfies FieldTable;

export interface CapacityPlace {
	zoneName: string;
	pod?: { id: string; name: string } | undefined;
	cluster?: { id: string; name: string } | undefined;
}

export function serializeCapacity(figure: CapacityFigure, place: CapacityPlace): Record<string, unknown> {
	return compact({
		type: figure.type,
		name: CAPACITY_NAMES[figure.type],
		zoneid: figure.zoneId,
		zonename: place.zoneName,
		podid: place.pod?.id,
		podname: place.pod?.name,
		clusterid: place.cluster?.id,
		clustername: place.cluster?.name,
		capacityallocated: figure.allocated,
		capacityused: figure.used,
		capacitytotal: figure.total,
		percentused: percentUsed(figure.used, figure.total),
	} satisfies Record<keyof typeof CAPACITY_FIELDS, unknown>);
}
