/**
 * @module Small steps the lifecycle jobs (vms/jobs-lifecycle.ts) and the host-truth hooks share:
 * answering with the VM, the owner and resource fields of its events, and deciding whether a job
 * owns a VM's transition (the rest is in vm-rows.ts).
 */
import { eq } from "drizzle-orm";
import { serializeVms } from "../api/serializers/vm";
import type { CommandResult } from "../commands/types";
import type { Db } from "../db/client";
import { asyncJobs } from "../db/schema";
import type { JobOwner } from "../jobs/types";
import type { VmRow } from "./vm-rows";

/** States a job is in the middle of: nothing but that job may move the VM out of them. */
export const TRANSITIONAL_STATES: readonly string[] = ["Starting", "Stopping", "Migrating", "Expunging"];

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
