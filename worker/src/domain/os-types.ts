/**
 * @module The guest OS catalogue (CloudStack's guest_os_category and guest_os tables), seeded in
 * code with fixed ids so every isolate and database agrees on them: templates and VMs refer to an
 * OS type by id. Category names follow CloudStack's own seed, "Novel" spelling included.
 */

export interface OsCategory {
	id: string;
	name: string;
	isFeatured: boolean;
	created: number;
}

export interface OsType {
	id: string;
	/** CloudStack's display name: listOsTypes shows it as both `name` and `description`. */
	description: string;
	categoryId: string;
}

const SEEDED = Date.UTC(2026, 0, 1);
const categoryId = (n: number) => `00000000-0000-4000-8000-0000000c${n.toString(16).padStart(4, "0")}`;
const osTypeId = (n: number) => `00000000-0000-4000-8000-0000000d${n.toString(16).padStart(4, "0")}`;

/** [id number, name, featured]: CloudStack's category ids 1–11. Featured ones are the usual picks. */
const CATEGORY_ROWS: readonly [n: number, name: string, featured: boolean][] = [
	[1, "CentOS", true],
	[2, "Debian", true],
	[3, "Oracle", false],
	[4, "RedHat", true],
	[5, "SUSE", false],
	[6, "Windows", true],
	[7, "Other", false],
	[8, "Novel", false],
	[9, "Unix", false],
	[10, "Ubuntu", true],
	[11, "None", false],
];

export const OS_CATEGORIES: readonly OsCategory[] = CATEGORY_ROWS.map(([n, name, isFeatured]) => ({
	id: categoryId(n),
	name,
	isFeatured,
	created: SEEDED,
}));

/** The OS types: [id number, category, description]. Ids are fixed: add new rows with new numbers. */
const CATALOGUE: readonly [n: number, category: string, description: string][] = [
	[1, "CentOS", "CentOS 7"],
	[2, "CentOS", "CentOS 8"],
	[3, "CentOS", "CentOS Stream 9"],
	[4, "CentOS", "Rocky Linux 8"],
	[5, "CentOS", "Rocky Linux 9"],
	[6, "CentOS", "AlmaLinux 8"],
	[7, "CentOS", "AlmaLinux 9"],
	[8, "Debian", "Debian GNU/Linux 10 (64-bit)"],
	[9, "Debian", "Debian GNU/Linux 11 (64-bit)"],
	[10, "Debian", "Debian GNU/Linux 12 (64-bit)"],
	[11, "Debian", "Debian GNU/Linux 12 (32-bit)"],
	[12, "Oracle", "Oracle Linux 8"],
	[13, "Oracle", "Oracle Linux 9"],
	[14, "RedHat", "Red Hat Enterprise Linux 8"],
	[15, "RedHat", "Red Hat Enterprise Linux 9"],
	[16, "RedHat", "Fedora Linux (64 bit)"],
	[17, "SUSE", "SUSE Linux Enterprise Server 15 (64-bit)"],
	[18, "SUSE", "openSUSE Leap 15 (64-bit)"],
	[19, "Windows", "Windows Server 2016 (64-bit)"],
	[20, "Windows", "Windows Server 2019 (64-bit)"],
	[21, "Windows", "Windows Server 2022 (64-bit)"],
	[22, "Windows", "Windows 10 (64-bit)"],
	[23, "Windows", "Windows 11 (64-bit)"],
	[24, "Other", "Other (64-bit)"],
	[25, "Other", "Other (32-bit)"],
	[26, "Other", "Other Linux (64-bit)"],
	[27, "Other", "Other Linux (32-bit)"],
	[28, "Novel", "Novell Netware 6.x"],
	[29, "Unix", "FreeBSD 13 (64-bit)"],
	[30, "Unix", "FreeBSD 14 (64-bit)"],
	[31, "Unix", "OpenBSD (64-bit)"],
	[32, "Ubuntu", "Ubuntu 20.04 LTS"],
	[33, "Ubuntu", "Ubuntu 22.04 LTS"],
	[34, "Ubuntu", "Ubuntu 24.04 LTS"],
];

function buildOsTypes(): OsType[] {
	return CATALOGUE.map(([n, category, description]) => {
		const owner = OS_CATEGORIES.find((c) => c.name === category);
		if (!owner) throw new Error(`os-types: unknown category ${category}`);
		return { id: osTypeId(n), description, categoryId: owner.id };
	});
}

export const OS_TYPES: readonly OsType[] = buildOsTypes();

/** An OS type by id (templates and VMs name one with `ostypeid`). */
export function findOsType(id: string): OsType | undefined {
	const key = id.trim().toLowerCase();
	return OS_TYPES.find((t) => t.id === key);
}

export function findOsCategory(id: string): OsCategory | undefined {
	const key = id.trim().toLowerCase();
	return OS_CATEGORIES.find((c) => c.id === key);
}

/** The hypervisor this cloud runs: libvirt/KVM only. */
export const HYPERVISORS = ["KVM"] as const;

/** CloudStack's hypervisor_capabilities row for KVM ("default" version), with a fixed id. */
export const KVM_CAPABILITIES = {
	id: "00000000-0000-4000-8000-0000000b0001",
	hypervisor: "KVM",
	hypervisorVersion: "default",
	maxGuestsLimit: 50,
	securityGroupEnabled: true,
	maxDataVolumesLimit: 24,
	/** Our own limit (CloudStack's KVM row leaves it to a global setting). */
	maxHostsPerCluster: 32,
	storageMotionEnabled: true,
	vmSnapshotEnabled: true,
} as const;
