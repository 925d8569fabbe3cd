/** @module service offering → CloudStack `serviceoffering` response. */
import type { FieldTable } from "../../commands/types";
import type { serviceOfferings } from "../../db/schema";
import { compact, csDate } from "./format";
import { OFFERING_SCOPE_FIELDS, type OfferingScopeRefs, offeringScope } from "./offering";

export const SERVICE_OFFERING_FIELDS = {
	id: ["string", "the id of the service offering"],
	name: ["string", "the name of the service offering"],
	state: ["string", "state of the service offering"],
	displaytext: ["string", "an alternate display text of the service offering."],
	cpunumber: ["integer", "the number of CPU"],
	cpuspeed: ["integer", "the clock rate CPU speed in Mhz"],
	memory: ["integer", "the memory in MB"],
	created: ["date", "the date this service offering was created"],
	storagetype: ["string", "the storage type for this service offering"],
	provisioningtype: ["string", "provisioning type used to create volumes. Valid values are thin, sparse, fat."],
	offerha: ["boolean", "the ha support in the service offering"],
	limitcpuuse: ["boolean", "restrict the CPU usage to committed service offering"],
	isvolatile: [
		"boolean",
		"true if the vm needs to be volatile, i.e., on every reboot of vm from API root disk is discarded and creates a new root disk",
	],
	storagetags: ["string", "the tags for the service offering"],
	...OFFERING_SCOPE_FIELDS,
	hosttags: ["string", "the host tag for the service offering"],
	issystem: ["boolean", "is this a system vm offering"],
	defaultuse: ["boolean", "is this a default system vm offering"],
	iscustomizediops: ["boolean", "true if disk offering uses custom iops, false otherwise"],
	iscustomized: ["boolean", "is true if the offering is customized"],
	serviceofferingdetails: [
		"map",
		"additional key/value details tied with this service offering: mincpunumber, maxcpunumber, minmemory, maxmemory of a customized offering",
	],
	rootdisksize: ["long", "Root disk size in GB"],
	dynamicscalingenabled: ["boolean", "true if virtual machine needs to be dynamically scalable of cpu or memory"],
	diskofferingstrictness: [
		"boolean",
		"True/False to indicate the strictness of the disk offering association with the compute offering. When set to true, override of disk offering is not allowed when VM is deployed and change disk offering is not allowed for the ROOT disk after the VM is deployed",
	],
	diskofferingid: ["string", "the ID of the disk offering to which service offering is linked"],
	diskofferingname: ["string", "name of the disk offering"],
	diskofferingdisplaytext: ["string", "the display text of the disk offering"],
	encryptroot: ["boolean", "true if virtual machine root disk will be encrypted on storage"],
	hasannotations: ["boolean", "whether this offering has annotations"],
} as const satisfies FieldTable;

type ServiceOfferingRow = typeof serviceOfferings.$inferSelect;

export interface ServiceOfferingRefs extends OfferingScopeRefs {
	diskOffering: { name: string; displayText: string } | undefined;
}

/** CloudStack keeps a customized offering's bounds as string details, and shows them so. */
function customBounds(row: ServiceOfferingRow): Record<string, string> | undefined {
	const details = compact({
		mincpunumber: row.minCpuNumber?.toString(),
		maxcpunumber: row.maxCpuNumber?.toString(),
		minmemory: row.minMemory?.toString(),
		maxmemory: row.maxMemory?.toString(),
	}) as Record<string, string>;
	return Object.keys(details).length ? details : undefined;
}

export function serializeServiceOffering(row: ServiceOfferingRow, refs: ServiceOfferingRefs): Record<string, unknown> {
	const disk = row.diskOfferingId && refs.diskOffering ? refs.diskOffering : undefined;
	return compact({
		id: row.id,
		name: row.name,
		state: row.state,
		displaytext: row.displayText,
		cpunumber: row.cpuNumber,
		cpuspeed: row.cpuSpeed,
		memory: row.memory,
		created: csDate(row.created),
		storagetype: row.storageType,
		provisioningtype: row.provisioningType,
		offerha: row.offerHa,
		limitcpuuse: row.limitCpuUse,
		isvolatile: row.isVolatile,
		storagetags: row.storageTags,
		...offeringScope(refs),
		hosttags: row.hostTags,
		issystem: row.isSystem,
		defaultuse: false,
		// Service offerings here carry no IOPS settings of their own.
		iscustomizediops: false,
		iscustomized: row.customized,
		serviceofferingdetails: customBounds(row),
		rootdisksize: row.rootDiskSize,
		dynamicscalingenabled: row.dynamicScalingEnabled,
		diskofferingstrictness: false,
		diskofferingid: disk ? row.diskOfferingId : undefined,
		diskofferingname: disk?.name,
		diskofferingdisplaytext: disk?.displayText,
		encryptroot: false,
		hasannotations: false,
	} satisfies Record<keyof typeof SERVICE_OFFERING_FIELDS, unknown>);
}
