/**
 * @module Small shared pieces of the instance code: the row types, names CloudStack gives an
 * instance, MAC addresses, reading a VM for a job, and turning an agent's failure into a CsError.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Db } from "../db/client";
import { type hosts, type nics, type storagePools, vmInstances, volumes } from "../db/schema";
import { randomBytes } from "../lib/ids";
import type { CallFailure } from "../relay/link";

export type VmRow = typeof vmInstances.$inferSelect;
export type VolumeRow = typeof volumes.$inferSelect;
export type NicRow = typeof nics.$inferSelect;
export type PoolRow = typeof storagePools.$inferSelect;
export type HostRow = typeof hosts.$inferSelect;

/** The libvirt domain name: `i-<first 12 hex of the id>-VM` (unique with the id, short enough for libvirt). */
export function instanceNameFor(vmId: string): string {
	return `i-${vmId.replaceAll("-", "").slice(0, 12)}-VM`;
}

/** CloudStack's default hostname: `VM-<id>`. */
export function defaultHostName(vmId: string): string {
	return `VM-${vmId}`;
}

/** A locally administered unicast MAC: `02:00:` + 4 random bytes. */
export function newMacAddress(): string {
	const tail = [...randomBytes(4)].map((b) => b.toString(16).padStart(2, "0"));
	return ["02", "00", ...tail].join(":");
}

/** The config drive's file on the root disk's pool. */
export function configDrivePath(vmId: string): string {
	return `configdrive-${vmId}.iso`;
}

/** A volume's file at the pool root. */
export function volumePath(volumeId: string): string {
	return `${volumeId}.qcow2`;
}

/** The instance's row (not expunged), or 431. */
export async function requireVm(db: Db, vmId: string): Promise<VmRow> {
	const vm = await db
		.select()
		.from(vmInstances)
		.where(and(eq(vmInstances.id, vmId), isNull(vmInstances.removed)))
		.get();
	if (!vm) throw new CsError(ERROR.paramError, `Unable to find virtual machine with id ${vmId}`);
	return vm;
}

/**
 * "… it is Destroyed": the 431 of an action the instance's state does not allow, e.g. for a job
 * queued behind one that changed the instance (jobs queue: the request's checks may be stale).
 */
export function wrongState(
	vm: Pick<VmRow, "displayName" | "instanceName" | "state">,
	action: string,
	wanted?: string,
): CsError {
	const must = wanted ? `, it must be ${wanted}` : "";
	return new CsError(
		ERROR.paramError,
		`Unable to ${action} virtual machine ${vm.displayName} (${vm.instanceName}): it is ${vm.state}${must}`,
	);
}

/**
 * An agent command's failure as CloudStack's error: the host or relay not being there (or not
 * answering in time) is 534 resource unavailable; anything the agent itself reports is 530.
 */
export function agentFailure(failure: { code: CallFailure; text: string }, what: string): CsError {
	const unavailable = failure.code === "no_relay" || failure.code === "deadline" || failure.code === "unreachable";
	return new CsError(unavailable ? ERROR.resourceUnavailable : ERROR.internal, `${what} failed: ${failure.text}`);
}

/** The instance's volumes on storage or waiting for it, ROOT first then by device id. */
export async function volumesOf(db: Db, vmId: string): Promise<VolumeRow[]> {
	const rows = await db
		.select()
		.from(volumes)
		.where(and(eq(volumes.vmId, vmId), isNull(volumes.removed)));
	return rows.sort((a, b) => (a.deviceId ?? 99) - (b.deviceId ?? 99));
}
