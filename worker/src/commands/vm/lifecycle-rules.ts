/**
 * @module What the lifecycle commands (helper B2's family) share in the request: finding a VM the
 * caller may act on, CloudStack's admin-only rules for expunge and recover, and starting a job on
 * the VM's `vm:<id>` resource.
 */
import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { accounts, domains, vmInstances } from "../../db/schema";
import { type Caller, canSeeAccount, visibleSubtree } from "../../domain/access";
import { startJob } from "../../jobs/start";
import type { VmRow } from "../../vms/vm-rows";
import type { CommandResult, Deps } from "../types";

export const VM_RELATED = ["deployVirtualMachine", "listVirtualMachines", "startVirtualMachine"] as const;

/**
 * The VM `id` names, if the caller may change it (CloudStack's checkAccess: its owner, or an
 * admin whose scope holds the owner's account); 431 when there is no such VM, 531 otherwise.
 */
export async function requireVmForChange(deps: Deps, caller: Caller, id: string): Promise<VmRow> {
	const found = await deps.db
		.select({ vm: vmInstances, accountType: accounts.type, domainPath: domains.path })
		.from(vmInstances)
		.leftJoin(accounts, eq(accounts.id, vmInstances.accountId))
		.leftJoin(domains, eq(domains.id, vmInstances.domainId))
		.where(and(eq(vmInstances.id, id), isNull(vmInstances.removed)))
		.get();
	if (!found) throw new CsError(ERROR.paramError, `Unable to find virtual machine with specified id ${id}`);
	const { vm, accountType, domainPath } = found;
	const owner = { id: vm.accountId, type: accountType ?? 0, domainPath: domainPath ?? "" };
	if (vm.accountId !== caller.accountId && (domainPath === null || !canSeeAccount(caller, owner))) {
		throw permissionDenied(
			`Account '${caller.accountName}' does not have permission to operate on virtual machine ${vm.id}`,
		);
	}
	return vm;
}

/** Admins only, as with CloudStack's default allow.user.expunge.recover.vm=false. */
export function requireAdminFor(caller: Caller, text: string): void {
	if (visibleSubtree(caller) === null) throw permissionDenied(text);
}

export const EXPUNGE_ADMIN_ONLY =
	"Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.";

/** Starts a lifecycle job on the VM and answers `{id, jobid}`. */
export async function vmJob(
	deps: Deps,
	caller: Caller,
	vm: VmRow,
	job: { kind: string; cmd: string; payload: unknown },
): Promise<CommandResult> {
	const jobid = await startJob(deps, caller, {
		kind: job.kind,
		zoneId: vm.zoneId,
		resource: `vm:${vm.id}`,
		cmd: job.cmd,
		instanceType: "VirtualMachine",
		instanceId: vm.id,
		payload: job.payload,
	});
	return { type: "job", jobid, id: vm.id };
}
