/**
 * @module The hosts are the truth: what the relay agent reports about guests (a `domain.state`
 * event on every change it sees, the domain list of every Up host in a `hello` or host answer)
 * corrects D1 when no job owns the VM. A Running VM whose domain is gone or shut off becomes
 * Stopped (VM.STOP, capacity released); an Unknown VM whose domain is there again is Running; a
 * host that goes Down turns its Running VMs Unknown, and the HA-enabled ones are restarted on
 * another host of the cluster (vms/ha-restart.ts). A domain running where D1 says the VM is not is
 * only logged: starting it was not this control plane's doing, so stopping it is not either.
 */
import type { Domain, DomainState, Host } from "@flarestack/protocol";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { raiseAlert } from "../db/alerts";
import type { Db } from "../db/client";
import { eventInsert } from "../db/events";
import { inIds } from "../db/in-ids";
import { hosts, vmInstances } from "../db/schema";
import { depsFor } from "../deps";
import { ALERT_TYPE } from "../domain/alert-types";
import { logError, logWarn } from "../lib/log";
import { releaseHost } from "./capacity";
import { startHaRestarts } from "./ha-restart";
import { jobOwnsVm, vmOwner, vmResource } from "./lifecycle-steps";
import type { VmRow } from "./vm-rows";

/** libvirt states in which the guest still exists and runs (or is paused, e.g. mid-migration). */
const ALIVE: readonly DomainState[] = ["running", "blocked", "paused", "shutdown", "pmsuspended"];
/** States the control plane believes put the VM on its host. */
const ON_HOST = ["Running", "Unknown"];

export function isAlive(state: DomainState): boolean {
	return ALIVE.includes(state);
}

/**
 * The VM stopped on its own (killed on the host, shut down from inside, the host rebooted): Stopped
 * with a WARN VM.STOP, its capacity on the host released. A compare-and-set on the state and host
 * it had, so a job that moved it meanwhile wins.
 */
async function stoppedOutside(db: Db, now: number, vm: VmRow, hostId: string, why: string): Promise<boolean> {
	const [row] = await db
		.update(vmInstances)
		.set({ state: "Stopped", hostId: null, lastHostId: hostId })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, vm.state), eq(vmInstances.hostId, hostId)))
		.returning({ id: vmInstances.id });
	if (!row) return false;
	await releaseHost(db, hostId, vm);
	await eventInsert(db, now, null, {
		type: "VM.STOP",
		level: "WARN",
		description: `Virtual machine ${vm.displayName} (${vm.instanceName}) was stopped outside the control plane: ${why}`,
		owner: vmOwner(vm),
		...vmResource(vm),
	});
	return true;
}

async function backToRunning(db: Db, vm: VmRow, hostId: string): Promise<void> {
	await db
		.update(vmInstances)
		.set({ state: "Running" })
		.where(and(eq(vmInstances.id, vm.id), eq(vmInstances.state, "Unknown"), eq(vmInstances.hostId, hostId)));
}

/** One guest as the agent now sees it on `hostId`. */
async function applyDomain(db: Db, now: number, vm: VmRow, hostId: string, state: DomainState): Promise<void> {
	if (await jobOwnsVm(db, vm)) return;
	const alive = isAlive(state);
	if (ON_HOST.includes(vm.state) && vm.hostId === hostId) {
		if (!alive) await stoppedOutside(db, now, vm, hostId, `its domain is ${state} on the host`);
		else if (vm.state === "Unknown") await backToRunning(db, vm, hostId);
		return;
	}
	if (alive && vm.hostId !== hostId) {
		logWarn(`relay:${vm.zoneId}`, "a domain runs where the control plane does not place its VM", {
			vmId: vm.id,
			state: vm.state,
			knownHostId: vm.hostId,
			reportedHostId: hostId,
		});
		// Two copies of one guest on shared storage corrupt its disks: an operator must look.
		await raiseAlert(db, now, {
			type: ALERT_TYPE.USERVM,
			subject: `VM ${vm.instanceName} runs on host ${hostId} outside the control plane`,
			description: `The domain of VM ${vm.displayName} (${vm.id}) is ${state} on host ${hostId}, but the VM is ${vm.state}${vm.hostId ? ` on host ${vm.hostId}` : ""}; it was not started there by flarestack`,
			zoneId: vm.zoneId,
			podId: vm.podId,
			clusterId: vm.clusterId,
		});
	}
}

/** A `domain.state` event: ignored for domains that are not VMs of this zone (e.g. made by hand). */
export async function applyDomainReport(
	db: Db,
	now: number,
	zoneId: string,
	hostId: string,
	domain: Domain,
): Promise<void> {
	const vm = await db
		.select()
		.from(vmInstances)
		.where(
			and(eq(vmInstances.id, domain.uuid.toLowerCase()), eq(vmInstances.zoneId, zoneId), isNull(vmInstances.removed)),
		)
		.get();
	if (vm) await applyDomain(db, now, vm, hostId, domain.state);
}

/**
 * The full domain list of Up hosts (a hello, a host.connect/refresh answer): every VM the control
 * plane places on such a host is checked against it (absent = gone), and every domain of a VM
 * placed elsewhere is logged. Hosts that are not Up are skipped: their list is the last one read.
 */
export async function reconcileHostDomains(db: Db, now: number, zoneId: string, reported: readonly Host[]) {
	for (const host of reported) {
		if (host.state !== "Up") continue;
		const placed = await db
			.select()
			.from(vmInstances)
			.where(
				and(
					eq(vmInstances.hostId, host.id),
					eq(vmInstances.zoneId, zoneId),
					inArray(vmInstances.state, ON_HOST),
					isNull(vmInstances.removed),
				),
			);
		const seen = new Map(host.domains.map((d) => [d.uuid.toLowerCase(), d.state]));
		for (const vm of placed) await applyDomain(db, now, vm, host.id, seen.get(vm.id) ?? "shutoff");
		const placedIds = new Set(placed.map((vm) => vm.id));
		const elsewhere = [...seen.entries()].filter(([id, state]) => !placedIds.has(id) && isAlive(state));
		if (elsewhere.length === 0) continue;
		const others = await db
			.select()
			.from(vmInstances)
			.where(
				and(
					inIds(
						vmInstances.id,
						elsewhere.map(([id]) => id),
					),
					eq(vmInstances.zoneId, zoneId),
					isNull(vmInstances.removed),
				),
			);
		for (const vm of others) await applyDomain(db, now, vm, host.id, seen.get(vm.id) ?? "shutoff");
	}
}

/**
 * A host went Down: its Running VMs become Unknown (the control plane cannot tell whether they
 * still run). Answers the HA-enabled ones this call moved, for vms/ha-restart.ts to restart.
 */
export async function applyHostDown(db: Db, zoneId: string, hostId: string): Promise<VmRow[]> {
	const host = await db
		.select({ state: hosts.state })
		.from(hosts)
		.where(and(eq(hosts.id, hostId), eq(hosts.zoneId, zoneId)))
		.get();
	if (host?.state !== "Down") return [];
	const moved = await db
		.update(vmInstances)
		.set({ state: "Unknown" })
		.where(and(eq(vmInstances.hostId, hostId), eq(vmInstances.state, "Running"), isNull(vmInstances.removed)))
		.returning();
	const owned = await Promise.all(moved.map(async (vm) => ({ vm, owned: await jobOwnsVm(db, vm) })));
	return owned.filter(({ vm, owned: byJob }) => vm.haEnabled && !byJob).map(({ vm }) => vm);
}

/**
 * What the relay's ZoneRelay calls with the full host reports of a `hello` or a host.connect /
 * host.refresh answer: Up hosts' domain lists are reconciled, Down hosts' VMs become Unknown and
 * the HA ones are restarted elsewhere. Failures are logged: the relay session must go on.
 */
export async function applyHostsTruth(env: Env, db: Db, now: number, zoneId: string, reported: readonly Host[]) {
	try {
		await reconcileHostDomains(db, now, zoneId, reported);
		for (const host of reported) {
			if (host.state === "Down") await applyHostStateTruth(env, db, zoneId, host.id);
		}
	} catch (error) {
		logError(`relay:${zoneId}`, "applying the hosts' domains to the VMs failed", error);
	}
}

/** A host reported Down (a `host.state` event, or in a host report): Unknown VMs, HA restarts. */
export async function applyHostStateTruth(env: Env, db: Db, zoneId: string, hostId: string): Promise<void> {
	try {
		const restart = await applyHostDown(db, zoneId, hostId);
		if (restart.length > 0) await startHaRestarts(await depsFor(env), restart, hostId);
	} catch (error) {
		logError(`relay:${zoneId}`, `handling the VMs of host ${hostId} going Down failed`, error);
	}
}
