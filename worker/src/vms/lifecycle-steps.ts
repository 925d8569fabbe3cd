/**
 * @module Small steps the lifecycle jobs (vms/jobs-lifecycle.ts) and the host-truth hooks share:
 * loading a VM as a job sees it, turning an agent failure into a CloudStack error, answering with
 * the VM, and deciding whether a job owns a VM's transition.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { serializeVms } from "../api/serializers/vm";
import type { CommandResult } from "../commands/types";
import type { Db } from "../db/client";
import { asyncJobs, vmInstances } from "../db/schema";
import type { JobOwner } from "../jobs/types";
import type { CallFailure } from "../relay/link";

export type VmRow = typeof vmInstances.$inferSelect;

/** States a job is in the middle of: nothing but that job may move the VM out of them. */
export const TRANSITIONAL_STATES: readonly string[] = ["Starting", "Stopping", "Migrating", "Expunging"];

/** The VM as a job sees it when it starts (jobs queue: the request's checks may be stale). */
export async function loadVm(db: Db, vmId: string): Promise<VmRow> {
	const row = await db
		.select()
		.from(vmInstances)
		.where(and(eq(vmInstances.id, vmId), isNull(vmInstances.removed)))
		.get();
	if (!row) throw new CsError(ERROR.paramError, `Unable to find virtual machine with id ${vmId}`);
	return row;
}

/** "VM i-…-VM is Destroyed": the 431 a queued job gets when an earlier one changed the VM. */
export function wrongState(vm: VmRow, action: string, wanted: string): CsError {
	return new CsError(
		ERROR.paramError,
		`Unable to ${action} virtual machine ${vm.displayName} (${vm.instanceName}): it is ${vm.state}, it must be ${wanted}`,
	);
}

/**
 * An agent failure as the job's error: the site not being reachable (no relay, no answer in time,
 * host unreachable) is 534 "resource unavailable"; the agent trying and failing is 530.
 */
export function agentError(what: string, failure: { code: CallFailure; text: string }): CsError {
	const unavailable = failure.code === "no_relay" || failure.code === "deadline" || failure.code === "unreachable";
	return new CsError(unavailable ? ERROR.resourceUnavailable : ERROR.internal, `${what}: ${failure.text}`);
}

/** The job result `{virtualmachine: {…}}` for a VM row. */
export async function vmResult(db: Db, row: VmRow): Promise<CommandResult> {
	const [value] = await serializeVms(db, [row]);
	return { type: "object", name: "virtualmachine", value: value ?? { id: row.id } };
}

/** The owner fields of events about a VM (host truth has no caller: the VM's owner is shown). */
export function vmOwner(vm: Pick<VmRow, "userId" | "accountId" | "domainId">): JobOwner {
	return { userId: vm.userId, accountId: vm.accountId, domainId: vm.domainId };
}

/** The `resource*` fields of an event about a VM. */
export function vmResource(vm: Pick<VmRow, "id" | "displayName">) {
	return { resourceType: "VirtualMachine", resourceId: vm.id, resourceName: vm.displayName };
}

/**
 * Whether a job still works on the VM: it is in a transitional state, or its `jobId` names a job
 * that has not finished (a reboot or migration in flight keeps the VM Running/Migrating).
 */
export async function jobOwnsVm(db: Db, vm: Pick<VmRow, "state" | "jobId">): Promise<boolean> {
	if (TRANSITIONAL_STATES.includes(vm.state)) return true;
	if (!vm.jobId) return false;
	const job = await db.select({ status: asyncJobs.status }).from(asyncJobs).where(eq(asyncJobs.id, vm.jobId)).get();
	return job?.status === 0;
}
