/**
 * @module deployVirtualMachine's input checks: each one answers CloudStack's 431 (or 531) before
 * anything is written — the offering and its size, the template or ISO (visible and Ready in the
 * zone), the network and the hostname's uniqueness in it, key pairs, user data and the root
 * admin's placement hints.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { CsError, ERROR, invalidParam, permissionDenied } from "../api/errors";
import { requireServiceOffering, type ServiceOfferingRow } from "../commands/offering/service-offering-view";
import type { MapEntries } from "../commands/param-spec";
import type { Deps } from "../commands/types";
import { requireCluster, requirePod } from "../db/repos/inventory";
import { zoneDefaultNetwork } from "../db/repos/networks";
import { canSeeImage, requireImage, type TemplateWithOwner } from "../db/repos/templates";
import { hosts, networks, nics, sshKeyPairs, templateStores, vmInstances } from "../db/schema";
import { type Caller, isRootAdmin } from "../domain/access";
import { parseIpv4 } from "../domain/ipv4";
import { canonicalUserData } from "./config-drive";
import type { DeployParams } from "./deploy-request";

/**
 * `details[0].key=value` entries as one object (later entries win), keys lower-cased: CloudStack
 * reads map keys regardless of case (`cpuNumber`, `cpunumber`), and the request parser may have
 * lower-cased them already.
 */
export function detailsObject(entries: MapEntries | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const entry of entries ?? []) for (const [k, v] of Object.entries(entry)) out[k.toLowerCase()] = v;
	return out;
}

export function positiveInt(raw: string | undefined, name: string): number | undefined {
	if (raw === undefined) return undefined;
	if (!/^\d+$/.test(raw.trim()) || Number(raw) <= 0) throw invalidParam(name, raw);
	return Number(raw);
}

/** CPU and memory: the offering's, or for a customized offering the `details` ones within its bounds. */
export function sizeOf(offering: ServiceOfferingRow, details: Record<string, string>) {
	const cpuNumber = offering.cpuNumber ?? positiveInt(details.cpunumber, "details[0].cpuNumber");
	const cpuSpeed = offering.cpuSpeed ?? positiveInt(details.cpuspeed, "details[0].cpuSpeed");
	const memory = offering.memory ?? positiveInt(details.memory, "details[0].memory");
	if (cpuNumber === undefined || cpuSpeed === undefined || memory === undefined) {
		throw new CsError(
			ERROR.paramError,
			`Service offering ${offering.name} is customized: pass details[0].cpuNumber, details[0].cpuSpeed and details[0].memory`,
		);
	}
	const outside = (v: number, min: number | null, max: number | null) =>
		(min !== null && v < min) || (max !== null && v > max);
	if (outside(cpuNumber, offering.minCpuNumber, offering.maxCpuNumber)) {
		throw new CsError(ERROR.paramError, `cpuNumber ${cpuNumber} is outside the offering's bounds`);
	}
	if (outside(memory, offering.minMemory, offering.maxMemory)) {
		throw new CsError(ERROR.paramError, `memory ${memory} is outside the offering's bounds`);
	}
	return { cpuNumber, cpuSpeed, memory };
}

export async function requireOffering(deps: Deps, params: DeployParams): Promise<ServiceOfferingRow> {
	const offering = await requireServiceOffering(deps.db, params.serviceofferingid, "serviceofferingid");
	if (offering.state !== "Active" || offering.isSystem) throw invalidParam("serviceofferingid", offering.id);
	if (offering.zoneIds && !offering.zoneIds.split(",").includes(params.zoneid)) {
		throw new CsError(ERROR.paramError, `Service offering ${offering.name} is not available in zone ${params.zoneid}`);
	}
	return offering;
}

/** The template or ISO, visible to the caller and Ready in the zone, with the copy's size. */
export async function requireReadyImage(deps: Deps, caller: Caller, params: DeployParams) {
	if (params.templateid && params.isoid) {
		throw new CsError(ERROR.paramError, "Pass either templateid or isoid, not both");
	}
	const id = params.templateid ?? params.isoid;
	if (!id) throw new CsError(ERROR.paramError, "Unable to deploy: templateid (or isoid) is required");
	let found: TemplateWithOwner;
	try {
		found = await requireImage(deps.db, id, params.isoid !== undefined, params.isoid ? "isoid" : "templateid");
	} catch (error) {
		// CloudStack's templateid may name an ISO too.
		if (params.isoid) throw error;
		found = await requireImage(deps.db, id, true, "templateid");
	}
	if (!(await canSeeImage(deps.db, caller, found))) throw invalidParam(params.isoid ? "isoid" : "templateid", id);
	const store = await deps.db
		.select()
		.from(templateStores)
		.where(and(eq(templateStores.templateId, id), eq(templateStores.zoneId, params.zoneid)))
		.get();
	if (store?.state !== "Ready") {
		throw new CsError(
			ERROR.paramError,
			`Template ${found.template.name} is not ready in zone ${params.zoneid} (${store?.state ?? "not registered there"})`,
		);
	}
	return { template: found.template, sizeBytes: store.sizeBytes };
}

/** The guest network: the one named, else the zone's default. */
type NetworkRow = typeof networks.$inferSelect;

export async function requireNetwork(deps: Deps, params: DeployParams): Promise<NetworkRow> {
	const id = params.networkids?.[0];
	if (params.networkids && params.networkids.length > 1) {
		throw new CsError(ERROR.unsupportedAction, "Instances with more than one network are not supported yet");
	}
	const network = id
		? await deps.db.select().from(networks).where(eq(networks.id, id)).get()
		: await zoneDefaultNetwork(deps.db, params.zoneid);
	if (id && (!network || network.zoneId !== params.zoneid)) throw invalidParam("networkids", id);
	if (!network) throw new CsError(ERROR.paramError, `Zone ${params.zoneid} has no guest network to deploy in`);
	return network;
}

/**
 * CloudStack's rule: a hostname is unique in its network (it is the guest's DNS name there), among
 * the instances not yet expunged, ignoring case as DNS does.
 */
export async function requireUniqueHostName(deps: Deps, name: string, network: NetworkRow): Promise<void> {
	const taken = await deps.db
		.select({ id: vmInstances.id })
		.from(vmInstances)
		.innerJoin(nics, eq(nics.vmId, vmInstances.id))
		.where(
			and(
				eq(nics.networkId, network.id),
				isNull(vmInstances.removed),
				sql`lower(${vmInstances.name}) = ${name.toLowerCase()}`,
			),
		)
		.get();
	if (taken) {
		throw new CsError(
			ERROR.paramError,
			`The vm with hostName ${name} already exists in the network domain: ${network.networkDomain ?? "cs.internal"}; network=${network.name}`,
		);
	}
}

export async function requireKeypairs(deps: Deps, ownerId: string, params: DeployParams): Promise<string | null> {
	const names = [...new Set([...(params.keypair ? [params.keypair] : []), ...(params.keypairs ?? [])])];
	if (names.length === 0) return null;
	const found = await deps.db
		.select({ name: sshKeyPairs.name })
		.from(sshKeyPairs)
		.where(and(eq(sshKeyPairs.accountId, ownerId), inArray(sshKeyPairs.name, names)));
	const missing = names.find((n) => !found.some((f) => f.name === n));
	if (missing !== undefined) throw new CsError(ERROR.paramError, `A key pair with name '${missing}' was not found`);
	return names.join(",");
}

export function checkUserData(raw: string | undefined): string | null {
	if (raw === undefined || raw.trim() === "") return null;
	return canonicalUserData(raw);
}

/** Admin-only placement hints, checked against the zone. */
export async function checkPlacementHints(deps: Deps, caller: Caller, params: DeployParams) {
	if ((params.hostid || params.podid || params.clusterid) && !isRootAdmin(caller)) {
		throw permissionDenied("Only the root admin may choose the pod, cluster or host of an instance");
	}
	if (params.podid) await requirePod(deps.db, params.podid, params.zoneid);
	if (params.clusterid) {
		const cluster = await requireCluster(deps.db, params.clusterid, params.podid, "clusterid");
		if (cluster.zoneId !== params.zoneid) throw invalidParam("clusterid", params.clusterid);
	}
	if (params.hostid) {
		const host = await deps.db.select().from(hosts).where(eq(hosts.id, params.hostid)).get();
		if (!host || host.zoneId !== params.zoneid) throw invalidParam("hostid", params.hostid);
	}
	if (params.ipaddress !== undefined && parseIpv4(params.ipaddress) === null) {
		throw new CsError(ERROR.paramError, `Invalid IP address ${params.ipaddress}: not an IPv4 address`);
	}
}
