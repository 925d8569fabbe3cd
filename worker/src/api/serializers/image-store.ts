/** @module image store (secondary storage) → CloudStack `imagestore` response (ImageStoreResponse). */
import type { FieldTable } from "../../commands/types";
import type { imageStores } from "../../db/schema";
import { compact } from "./format";

export const IMAGE_STORE_FIELDS = {
	id: ["string", "the ID of the image store"],
	name: ["string", "the name of the image store"],
	zoneid: ["string", "the Zone ID of the image store"],
	zonename: ["string", "the Zone name of the image store"],
	url: ["string", "the url of the image store"],
	protocol: ["string", "the protocol of the image store"],
	providername: ["string", "the provider name of the image store"],
	scope: ["scopetype", "the scope of the image store"],
	readonly: ["boolean", "defines if store is read-only"],
	disksizetotal: ["long", "the total disk size of the host (omitted until the store's capacity is known)"],
	disksizeused: ["long", "the host's currently used disk size (omitted until the store's capacity is known)"],
} as const satisfies FieldTable;

export type ImageStoreRow = typeof imageStores.$inferSelect;

export function serializeImageStore(row: ImageStoreRow, zoneName: string | null): Record<string, unknown> {
	// CloudStack sets the sizes only from collected storage stats; a capacity of 0 means none yet.
	const known = row.capacityBytes > 0;
	return compact({
		id: row.id,
		name: row.name,
		zoneid: row.zoneId,
		zonename: zoneName,
		url: row.url,
		protocol: row.protocol,
		providername: row.provider,
		scope: row.scope,
		readonly: row.readonly,
		disksizetotal: known ? row.capacityBytes : undefined,
		disksizeused: known ? row.usedBytes : undefined,
	} satisfies Record<keyof typeof IMAGE_STORE_FIELDS, unknown>);
}
