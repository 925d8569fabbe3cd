/** @module disk offering → CloudStack `diskoffering` response (disksize in GB, as CloudStack shows it). */
import type { FieldTable } from "../../commands/types";
import type { diskOfferings } from "../../db/schema";
import { compact, csDate } from "./format";
import { OFFERING_SCOPE_FIELDS, type OfferingScopeRefs, offeringScope } from "./offering";

export const DISK_OFFERING_FIELDS = {
	id: ["string", "unique ID of the disk offering"],
	name: ["string", "the name of the disk offering"],
	state: ["string", "state of the disk offering"],
	displaytext: ["string", "an alternate display text of the disk offering."],
	disksize: ["long", "the size of the disk offering in GB"],
	created: ["date", "the date this disk offering was created"],
	iscustomized: ["boolean", "true if disk offering uses custom size, false otherwise"],
	iscustomizediops: ["boolean", "true if disk offering uses custom iops, false otherwise"],
	miniops: ["long", "the min iops of the disk offering"],
	maxiops: ["long", "the max iops of the disk offering"],
	tags: ["string", "the tags for the disk offering"],
	storagetype: ["string", "the storage type for this disk offering"],
	provisioningtype: ["string", "provisioning type used to create volumes. Valid values are thin, sparse, fat."],
	...OFFERING_SCOPE_FIELDS,
	displayoffering: ["boolean", "whether to display the offering to the end user or not."],
	disksizestrictness: [
		"boolean",
		"To allow or disallow the resize operation on the disks created from this disk offering, if the flag is true then resize is not allowed",
	],
	encrypt: ["boolean", "Whether disks using this offering will be encrypted on primary storage"],
	hasannotations: ["boolean", "whether this offering has annotations"],
} as const satisfies FieldTable;

type DiskOfferingRow = typeof diskOfferings.$inferSelect;

export type DiskOfferingRefs = OfferingScopeRefs;

export function serializeDiskOffering(row: DiskOfferingRow, refs: DiskOfferingRefs): Record<string, unknown> {
	return compact({
		id: row.id,
		name: row.name,
		state: row.state,
		displaytext: row.displayText,
		disksize: row.customized ? 0 : row.diskSize,
		created: csDate(row.created),
		iscustomized: row.customized,
		iscustomizediops: row.customizedIops,
		miniops: row.minIops,
		maxiops: row.maxIops,
		tags: row.tags,
		storagetype: row.storageType,
		provisioningtype: row.provisioningType,
		...offeringScope(refs),
		displayoffering: row.displayOffering,
		disksizestrictness: false,
		encrypt: row.encrypt,
		hasannotations: false,
	} satisfies Record<keyof typeof DISK_OFFERING_FIELDS, unknown>);
}
