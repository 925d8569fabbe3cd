/**
 * @module vm_instances rows → CloudStack `virtualmachine` (UserVmResponse). A page of any size costs
 * one query per related table (owners, zones, hosts, images, offerings, NICs with their networks,
 * tags), each by `inIds`, never one per row. Host placement and the libvirt name are shown to
 * root and read-only admins only, as CloudStack's full view does.
 */
import { eq } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { tagsOf } from "../../db/repos/tags";
import {
	accounts,
	domains,
	hosts,
	networks,
	nics,
	serviceOfferings,
	templates,
	users,
	type vmInstances,
	zones,
} from "../../db/schema";
import type { Caller } from "../../domain/access";
import { findOsType } from "../../domain/os-types";
import { ACCOUNT_TYPE } from "../../domain/roles";
import { compact, csDate } from "./format";

export const NIC_FIELDS = {
	id: ["string", "the ID of the nic"],
	networkid: ["string", "the ID of the corresponding network"],
	networkname: ["string", "the name of the corresponding network"],
	ipaddress: ["string", "the ip address of the nic"],
	netmask: ["string", "the netmask of the nic"],
	gateway: ["string", "the gateway of the nic"],
	macaddress: ["string", "true if nic is default, false otherwise"],
	isdefault: ["boolean", "true if nic is default, false otherwise"],
	deviceid: ["string", "device id for the network when plugged into the virtual machine"],
	traffictype: ["string", "the traffic type of the nic"],
	type: ["string", "the type of the nic"],
} as const satisfies FieldTable;

export const VM_FIELDS = {
	id: ["string", "the ID of the virtual machine"],
	name: ["string", "the name of the virtual machine"],
	displayname: ["string", "user generated name. The name of the virtual machine is returned if no displayname exists."],
	account: ["string", "the account associated with the virtual machine"],
	userid: ["string", "the user's ID who deployed the virtual machine"],
	username: ["string", "the user's name who deployed the virtual machine"],
	domainid: ["string", "the ID of the domain in which the virtual machine exists"],
	domain: ["string", "the name of the domain in which the virtual machine exists"],
	domainpath: ["string", "path of the domain in which the virtual machine exists"],
	created: ["date", "the date when this virtual machine was created"],
	state: ["string", "the state of the virtual machine"],
	haenable: ["boolean", "true if high-availability is enabled, false otherwise"],
	zoneid: ["string", "the ID of the availability zone for the virtual machine"],
	zonename: ["string", "the name of the availability zone for the virtual machine"],
	hostid: ["string", "the ID of the host for the virtual machine"],
	hostname: ["string", "the name of the host for the virtual machine"],
	hostcontrolstate: ["string", "the control state of the host for the virtual machine"],
	templateid: [
		"string",
		"the ID of the template for the virtual machine. A -1 is returned if the virtual machine was created from an ISO file.",
	],
	templatename: ["string", "the name of the template for the virtual machine"],
	templatedisplaytext: ["string", "an alternate display text of the template for the virtual machine"],
	templatetype: ["string", "the type of the template for the virtual machine"],
	templateformat: ["string", "the format of the template for the virtual machine"],
	passwordenabled: ["boolean", "true if the password rest feature is enabled, false otherwise"],
	isoid: ["string", "the ID of the ISO attached to the virtual machine"],
	isoname: ["string", "the name of the ISO attached to the virtual machine"],
	isodisplaytext: ["string", "an alternate display text of the ISO attached to the virtual machine"],
	serviceofferingid: ["string", "the ID of the service offering of the virtual machine"],
	serviceofferingname: ["string", "the name of the service offering of the virtual machine"],
	cpunumber: ["integer", "the number of vCPUs this virtual machine is using"],
	cpuspeed: ["integer", "the speed of each vCPU"],
	memory: ["integer", "the memory allocated for the virtual machine"],
	guestosid: ["string", "Os type ID of the virtual machine"],
	ostypeid: ["string", "OS type id of the vm"],
	osdisplayname: ["string", "OS name of the vm"],
	rootdeviceid: ["long", "device ID of the root volume"],
	rootdevicetype: ["string", "device type of the root volume"],
	nic: ["set", "the list of nics associated with vm"],
	hypervisor: ["string", "the hypervisor on which the template runs"],
	instancename: ["string", "instance name of the user vm; this parameter is returned to the ROOT admin only"],
	details: ["map", "Vm details in key/value pairs."],
	keypairs: ["string", "ssh key-pairs"],
	userdata: ["string", "Base64 string containing the user data"],
	displayvm: ["boolean", "an optional field whether to the display the vm to the end user or not."],
	isdynamicallyscalable: [
		"boolean",
		"true if vm contains XS/VMWare tools inorder to support dynamic scaling of VM cpu/memory.",
	],
	vmtype: ["string", "User VM type"],
	arch: ["string", "CPU arch of the VM"],
	tags: ["list", "the list of resource tags associated"],
	jobid: [
		"string",
		"shows the current pending asynchronous job ID. This tag is not returned if no current pending jobs are acting on the virtual machine",
	],
	jobstatus: ["integer", "shows the current pending asynchronous job status"],
} as const satisfies FieldTable;

export type VmInstanceRow = typeof vmInstances.$inferSelect;

/** Which groups of fields to fill (listVirtualMachines `details`): all by default. */
export interface VmViewOptions {
	/** Detail groups asked for: all, nics, tmpl, iso, servoff, min, … (CloudStack's VMDetails). */
	details?: readonly string[] | undefined;
	/** Include the user data (listVirtualMachines `userdata=true`). */
	userData?: boolean | undefined;
}

function wantsGroup(details: readonly string[] | undefined, group: string): boolean {
	if (!details || details.length === 0) return true;
	const set = details.map((d) => d.toLowerCase());
	if (set.includes("all")) return true;
	return set.includes(group);
}

function uniq(values: readonly (string | null)[]): string[] {
	return [...new Set(values.filter((v): v is string => v !== null))];
}

/** Loads `table` rows by id (one query) into a map; nothing to load costs nothing. */
async function byId<T extends { id: string }>(ids: string[], load: (ids: string[]) => Promise<T[]>) {
	if (ids.length === 0) return new Map<string, T>();
	return new Map((await load(ids)).map((row) => [row.id, row]));
}

/** HostControlState from the host's status and resource state. */
function hostControlState(host: { state: string; resourceState: string }): string {
	if (host.resourceState === "Maintenance" || host.resourceState === "PrepareForMaintenance") return "Maintenance";
	if (host.resourceState === "Disabled") return "Disabled";
	if (host.state === "Up") return "Enabled";
	if (host.state === "Down" || host.state === "Disconnected") return "Offline";
	return "Unknown";
}

/** The rows as CloudStack's `virtualmachine` objects, in order; `caller` decides the admin-only fields. */
export async function serializeVms(
	db: Db,
	rows: readonly VmInstanceRow[],
	caller?: Pick<Caller, "accountType">,
	options: VmViewOptions = {},
): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const full =
		caller === undefined ||
		caller.accountType === ACCOUNT_TYPE.rootAdmin ||
		caller.accountType === ACCOUNT_TYPE.readOnlyAdmin;
	const ids = rows.map((r) => r.id);
	const withNics = wantsGroup(options.details, "nics");
	const [accountMap, domainMap, userMap, zoneMap, hostMap, imageMap, offeringMap, nicRows, tags] = await Promise.all([
		byId(uniq(rows.map((r) => r.accountId)), (list) =>
			db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inIds(accounts.id, list)),
		),
		byId(uniq(rows.map((r) => r.domainId)), (list) =>
			db
				.select({ id: domains.id, name: domains.name, path: domains.path })
				.from(domains)
				.where(inIds(domains.id, list)),
		),
		byId(uniq(rows.map((r) => r.userId)), (list) =>
			db.select({ id: users.id, username: users.username }).from(users).where(inIds(users.id, list)),
		),
		byId(uniq(rows.map((r) => r.zoneId)), (list) =>
			db.select({ id: zones.id, name: zones.name }).from(zones).where(inIds(zones.id, list)),
		),
		full
			? byId(uniq(rows.map((r) => r.hostId)), (list) =>
					db
						.select({ id: hosts.id, name: hosts.name, state: hosts.state, resourceState: hosts.resourceState })
						.from(hosts)
						.where(inIds(hosts.id, list)),
				)
			: Promise.resolve(new Map<string, { id: string; name: string; state: string; resourceState: string }>()),
		byId(uniq([...rows.map((r) => r.templateId), ...rows.map((r) => r.isoId)]), (list) =>
			db.select().from(templates).where(inIds(templates.id, list)),
		),
		byId(uniq(rows.map((r) => r.serviceOfferingId)), (list) =>
			db
				.select({ id: serviceOfferings.id, name: serviceOfferings.name })
				.from(serviceOfferings)
				.where(inIds(serviceOfferings.id, list)),
		),
		withNics
			? db
					.select({ nic: nics, networkName: networks.name, guestType: networks.guestType })
					.from(nics)
					.leftJoin(networks, eq(networks.id, nics.networkId))
					.where(inIds(nics.vmId, ids))
			: Promise.resolve([]),
		tagsOf(db, "UserVm", ids),
	]);
	const nicsByVm = new Map<string, Record<string, unknown>[]>();
	for (const { nic, networkName, guestType } of [...nicRows].sort((a, b) => a.nic.deviceId - b.nic.deviceId)) {
		const list = nicsByVm.get(nic.vmId) ?? [];
		list.push(
			compact({
				id: nic.id,
				networkid: nic.networkId,
				networkname: networkName,
				ipaddress: nic.ipAddress,
				netmask: nic.netmask,
				gateway: nic.gateway,
				macaddress: nic.macAddress,
				isdefault: nic.isDefault,
				deviceid: String(nic.deviceId),
				traffictype: "Guest",
				type: guestType ?? "Shared",
			}),
		);
		nicsByVm.set(nic.vmId, list);
	}
	const showTemplate = wantsGroup(options.details, "tmpl");
	const showIso = wantsGroup(options.details, "iso");
	const showOffering = wantsGroup(options.details, "servoff");
	return rows.map((vm) => {
		const template = vm.templateId ? imageMap.get(vm.templateId) : undefined;
		const iso = vm.isoId ? imageMap.get(vm.isoId) : undefined;
		const image = template ?? iso;
		const host = vm.hostId ? hostMap.get(vm.hostId) : undefined;
		const domain = domainMap.get(vm.domainId);
		const osTypeId = image?.osTypeId;
		return compact({
			id: vm.id,
			name: vm.name,
			displayname: vm.displayName,
			account: accountMap.get(vm.accountId)?.name,
			userid: vm.userId,
			username: userMap.get(vm.userId)?.username,
			domainid: vm.domainId,
			domain: domain?.name,
			domainpath: domain ? (domain.path === "/" ? "ROOT" : `ROOT${domain.path.replace(/\/$/, "")}`) : undefined,
			created: csDate(vm.created),
			state: vm.state,
			haenable: vm.haEnabled,
			zoneid: vm.zoneId,
			zonename: zoneMap.get(vm.zoneId)?.name,
			hostid: full ? (vm.hostId ?? undefined) : undefined,
			hostname: full ? host?.name : undefined,
			hostcontrolstate: full && host ? hostControlState(host) : undefined,
			templateid: showTemplate ? (vm.templateId ?? (vm.isoId ? "-1" : undefined)) : undefined,
			templatename: showTemplate ? template?.name : undefined,
			templatedisplaytext: showTemplate ? template?.displayText : undefined,
			templatetype: showTemplate ? template?.templateType : undefined,
			templateformat: showTemplate ? template?.format : undefined,
			passwordenabled: image?.passwordEnabled ?? false,
			isoid: showIso ? (vm.isoId ?? undefined) : undefined,
			isoname: showIso ? iso?.name : undefined,
			isodisplaytext: showIso ? iso?.displayText : undefined,
			serviceofferingid: showOffering ? vm.serviceOfferingId : undefined,
			serviceofferingname: showOffering ? offeringMap.get(vm.serviceOfferingId)?.name : undefined,
			cpunumber: vm.cpuNumber,
			cpuspeed: vm.cpuSpeed,
			memory: vm.memory,
			guestosid: osTypeId,
			ostypeid: osTypeId,
			osdisplayname: osTypeId ? findOsType(osTypeId)?.description : undefined,
			rootdeviceid: 0,
			rootdevicetype: "ROOT",
			nic: withNics ? (nicsByVm.get(vm.id) ?? []) : undefined,
			hypervisor: "KVM",
			instancename: full ? vm.instanceName : undefined,
			details: vm.details ? (JSON.parse(vm.details) as Record<string, string>) : undefined,
			keypairs: vm.keypairs ?? undefined,
			userdata: options.userData ? (vm.userData ?? undefined) : undefined,
			displayvm: vm.displayVm,
			isdynamicallyscalable: image?.isDynamicallyScalable ?? false,
			vmtype: "User",
			arch: image?.arch ?? "x86_64",
			tags: tags(vm.id),
			jobid: vm.jobId ?? undefined,
			jobstatus: vm.jobId ? 0 : undefined,
		});
	});
}

/** One instance as the API shows it to `caller`. */
export async function serializeVm(
	db: Db,
	row: VmInstanceRow,
	caller?: Pick<Caller, "accountType">,
): Promise<Record<string, unknown>> {
	const [item] = await serializeVms(db, [row], caller);
	return item ?? {};
}
