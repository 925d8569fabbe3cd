/** @module The seeded catalogue → CloudStack `ostype`, `oscategory`, `hypervisor` and `hypervisorCapabilities`. */
import type { FieldTable } from "../../commands/types";
import type { KVM_CAPABILITIES, OsCategory, OsType } from "../../domain/os-types";
import { csDate } from "./format";

export const OS_TYPE_FIELDS = {
	id: ["string", "the ID of the OS type"],
	name: ["string", "the name of the OS type"],
	description: ["string", "the name/description of the OS type"],
	oscategoryid: ["string", "the ID of the OS category"],
	oscategoryname: ["string", "the name of the OS category"],
	isuserdefined: ["boolean", "is the guest OS user defined"],
	fordisplay: ["boolean", "is the guest OS visible for the users"],
} as const satisfies FieldTable;

export const OS_CATEGORY_FIELDS = {
	id: ["string", "the ID of the OS category"],
	name: ["string", "the name of the OS category"],
	isfeatured: ["boolean", "Whether the OS category is featured"],
	created: ["date", "Date when the OS category was created."],
} as const satisfies FieldTable;

export const HYPERVISOR_FIELDS = {
	name: ["string", "Hypervisor name"],
} as const satisfies FieldTable;

export const HYPERVISOR_CAPABILITY_FIELDS = {
	id: ["string", "the ID of the hypervisor capabilities row"],
	hypervisor: ["string", "the hypervisor type"],
	hypervisorversion: ["string", "the hypervisor version"],
	maxguestslimit: ["long", "the maximum number of guest vms recommended for this hypervisor"],
	securitygroupenabled: ["boolean", "true if security group is supported"],
	maxdatavolumeslimit: ["integer", "the maximum number of Data Volumes that can be attached for this hypervisor"],
	maxhostspercluster: ["integer", "the maximum number of Hosts per cluster for this hypervisor"],
	storagemotionenabled: ["boolean", "true if storage motion is supported"],
	vmsnapshotenabled: ["boolean", "true if VM snapshots are enabled for this hypervisor"],
} as const satisfies FieldTable;

export function serializeOsType(type: OsType, category: OsCategory | undefined): Record<string, unknown> {
	return {
		id: type.id,
		name: type.description,
		description: type.description,
		oscategoryid: type.categoryId,
		...(category ? { oscategoryname: category.name } : {}),
		isuserdefined: false,
		fordisplay: true,
	} satisfies Partial<Record<keyof typeof OS_TYPE_FIELDS, unknown>>;
}

export function serializeOsCategory(category: OsCategory): Record<string, unknown> {
	return {
		id: category.id,
		name: category.name,
		isfeatured: category.isFeatured,
		created: csDate(category.created),
	} satisfies Record<keyof typeof OS_CATEGORY_FIELDS, unknown>;
}

export function serializeHypervisorCapabilities(row: typeof KVM_CAPABILITIES): Record<string, unknown> {
	return {
		id: row.id,
		hypervisor: row.hypervisor,
		hypervisorversion: row.hypervisorVersion,
		maxguestslimit: row.maxGuestsLimit,
		securitygroupenabled: row.securityGroupEnabled,
		maxdatavolumeslimit: row.maxDataVolumesLimit,
		maxhostspercluster: row.maxHostsPerCluster,
		storagemotionenabled: row.storageMotionEnabled,
		vmsnapshotenabled: row.vmSnapshotEnabled,
	} satisfies Record<keyof typeof HYPERVISOR_CAPABILITY_FIELDS, unknown>;
}
