/**
 * @module deployVirtualMachine's request half: every check that can fail on input (431/531) runs
 * here, before anything is written; then the instance's rows are written in one batch (the VM
 * Stopped, its volumes Allocated, its NIC without an address) with the VM.CREATE event. The job
 * (deploy-flow.ts) places, addresses, creates and starts it.
 */
import { and, count, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../api/errors";
import { requireDiskOffering } from "../commands/offering/disk-offering-view";
import type { MapEntries } from "../commands/param-spec";
import type { ResourceOwner } from "../commands/resource-owner";
import type { Deps } from "../commands/types";
import { eventInsert } from "../db/events";
import { requireZone } from "../db/repos/inventory";
import { nics, users, vmInstances, volumes } from "../db/schema";
import { type Caller, isRootAdmin } from "../domain/access";
import {
	checkPlacementHints,
	checkUserData,
	detailsObject,
	positiveInt,
	requireKeypairs,
	requireNetwork,
	requireOffering,
	requireReadyImage,
	requireUniqueHostName,
	sizeOf,
} from "./deploy-checks";
import { defaultHostName, instanceNameFor, newMacAddress } from "./vm-rows";

const GB = 1024 ** 3;
/** RFC 1123 host label, not all digits. */
const HOSTNAME = /^(?![0-9]+$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export interface DeployParams {
	serviceofferingid: string;
	templateid?: string | undefined;
	isoid?: string | undefined;
	zoneid: string;
	name?: string | undefined;
	displayname?: string | undefined;
	hostid?: string | undefined;
	podid?: string | undefined;
	clusterid?: string | undefined;
	diskofferingid?: string | undefined;
	size?: number | undefined;
	rootdisksize?: number | undefined;
	keypair?: string | undefined;
	keypairs?: string[] | undefined;
	userdata?: string | undefined;
	networkids?: string[] | undefined;
	ipaddress?: string | undefined;
	details?: MapEntries | undefined;
	displayvm?: boolean | undefined;
	startvm?: boolean | undefined;
}

/** What the job needs besides the rows. */
export interface DeployPayload {
	vmId: string;
	startVm: boolean;
	hostId?: string | undefined;
	podId?: string | undefined;
	clusterId?: string | undefined;
	ipAddress?: string | undefined;
}

/** The user the instance belongs to: the caller, or the owner account's first user. */
async function ownerUserId(deps: Deps, caller: Caller, owner: ResourceOwner): Promise<string> {
	if (owner.id === caller.accountId) return caller.userId;
	const user = await deps.db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.accountId, owner.id), isNull(users.removed)))
		.orderBy(users.created)
		.get();
	return user?.id ?? caller.userId;
}

/** Validates the request and writes the instance's rows; answers the job payload. */
export async function writeDeployment(
	deps: Deps,
	caller: Caller,
	owner: ResourceOwner,
	params: DeployParams,
): Promise<DeployPayload> {
	const { db } = deps;
	const zone = await requireZone(db, params.zoneid);
	if (zone.allocationState !== "Enabled" && !isRootAdmin(caller)) {
		throw permissionDenied(`Cannot perform this operation, zone ${zone.name} is currently disabled`);
	}
	const offering = await requireOffering(deps, params);
	const details = detailsObject(params.details);
	const size = sizeOf(offering, details);
	const image = await requireReadyImage(deps, caller, params);
	await checkPlacementHints(deps, caller, params);
	const network = await requireNetwork(deps, params);
	const keypairs = await requireKeypairs(deps, owner.id, params);
	const userData = checkUserData(params.userdata);
	const diskOffering = params.diskofferingid
		? await requireDiskOffering(db, params.diskofferingid, "diskofferingid")
		: undefined;
	const diskBytes = diskOffering ? (diskOffering.customized ? (params.size ?? 0) : diskOffering.diskSize) * GB : 0;
	if (diskOffering && diskBytes <= 0) {
		throw new CsError(ERROR.paramError, `Disk offering ${diskOffering.name} is customized: pass size (GB)`);
	}
	const isIso = image.template.isIso;
	if (isIso && !diskOffering) {
		throw new CsError(ERROR.paramError, "Deploying from an ISO needs diskofferingid for the root disk");
	}
	const rootGb =
		params.rootdisksize ?? positiveInt(details.rootdisksize, "details[0].rootdisksize") ?? offering.rootDiskSize;
	let rootBytes = isIso ? diskBytes : Math.max(image.sizeBytes, (rootGb ?? 0) * GB);
	if (!isIso && rootGb !== null && rootGb !== undefined && rootGb * GB < image.sizeBytes) {
		throw new CsError(
			ERROR.paramError,
			`rootdisksize ${rootGb} GB is smaller than template ${image.template.name} (${image.sizeBytes} bytes)`,
		);
	}
	if (rootBytes <= 0) rootBytes = GB;
	const vmId = crypto.randomUUID();
	const name = params.name?.trim() || defaultHostName(vmId);
	if (params.name !== undefined && !HOSTNAME.test(name)) {
		throw new CsError(
			ERROR.paramError,
			`Invalid name ${name}: a hostname has 1-63 letters, digits and hyphens, does not start or end with a hyphen and is not all digits`,
		);
	}
	await requireUniqueHostName(deps, name, network);
	const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(volumes).where(eq(volumes.accountId, owner.id));
	const now = deps.clock.now();
	const userId = await ownerUserId(deps, caller, owner);
	const instanceName = instanceNameFor(vmId);
	const ownerCols = { accountId: owner.id, domainId: owner.domainId, zoneId: zone.id, created: now };
	const rootVolume = {
		...ownerCols,
		id: crypto.randomUUID(),
		name: `ROOT-${n + 1}`,
		vmId,
		deviceId: 0,
		type: "ROOT",
		state: "Allocated",
		sizeBytes: rootBytes,
		templateId: isIso ? null : image.template.id,
		diskOfferingId: isIso ? (diskOffering?.id ?? null) : null,
	};
	const dataVolume =
		diskOffering && !isIso
			? {
					...ownerCols,
					id: crypto.randomUUID(),
					name: `DATA-${n + 2}`,
					vmId,
					deviceId: 1,
					type: "DATADISK",
					state: "Allocated",
					sizeBytes: diskBytes,
					diskOfferingId: diskOffering.id,
				}
			: undefined;
	const displayName = params.displayname?.trim() || name;
	await db.batch([
		db.insert(vmInstances).values({
			...ownerCols,
			id: vmId,
			name,
			displayName,
			instanceName,
			userId,
			podId: params.podid ?? null,
			clusterId: params.clusterid ?? null,
			serviceOfferingId: offering.id,
			templateId: isIso ? null : image.template.id,
			isoId: isIso ? image.template.id : null,
			...size,
			state: "Stopped",
			haEnabled: offering.offerHa,
			userData,
			keypairs,
			details: Object.keys(details).length ? JSON.stringify(details) : null,
			displayVm: params.displayvm ?? true,
		}),
		db.insert(volumes).values(dataVolume ? [rootVolume, dataVolume] : [rootVolume]),
		db.insert(nics).values({
			id: crypto.randomUUID(),
			vmId,
			networkId: network.id,
			macAddress: newMacAddress(),
			isDefault: true,
			deviceId: 0,
			created: now,
		}),
		eventInsert(db, now, caller, {
			type: "VM.CREATE",
			description: `Deploying virtual machine ${instanceName} (${displayName}) from ${image.template.name}`,
			resourceType: "VirtualMachine",
			resourceId: vmId,
			resourceName: displayName,
			owner: { userId, accountId: owner.id, domainId: owner.domainId },
		}),
	]);
	return {
		vmId,
		startVm: params.startvm ?? true,
		hostId: params.hostid,
		podId: params.podid,
		clusterId: params.clusterid,
		ipAddress: params.ipaddress,
	};
}
