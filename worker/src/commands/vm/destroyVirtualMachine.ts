import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VM_FIELDS } from "../../api/serializers/vm";
import { volumes } from "../../db/schema";
import { LIFECYCLE_KINDS } from "../../vms/jobs-lifecycle";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { EXPUNGE_ADMIN_ONLY, requireAdminFor, requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.DestroyVMCmd";

export const destroyVirtualMachine = defineCommand({
	name: "destroyVirtualMachine",
	description:
		"Destroys a virtual machine. It can be recovered until it is expunged: at once with expunge=true, else after expunge.delay seconds",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		expunge: p.boolean("If true, the VM is expunged at once (admins only by default)", { since: "4.2.1" }),
		volumeids: p.list("Comma separated list of the IDs of the VM's data volumes to destroy with it", {
			since: "4.12.0",
			related: "listVolumes",
		}),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED, "recoverVirtualMachine", "expungeVirtualMachine"],
	async handle({ params, deps, caller }) {
		const expunge = params.expunge === true;
		if (expunge) requireAdminFor(caller, EXPUNGE_ADMIN_ONLY);
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state === "Expunging" || (vm.state === "Destroyed" && !expunge)) {
			throw wrongState(vm, "destroy", "not yet Destroyed");
		}
		const volumeIds = [...new Set((params.volumeids ?? []).map((id) => id.toLowerCase()))];
		for (const volumeId of volumeIds) {
			const volume = await deps.db
				.select({ type: volumes.type })
				.from(volumes)
				.where(and(eq(volumes.id, volumeId), eq(volumes.vmId, vm.id), isNull(volumes.removed)))
				.get();
			if (volume?.type !== "DATADISK") {
				throw new CsError(
					ERROR.paramError,
					`Volume ${volumeId} is not a data volume attached to virtual machine ${vm.displayName}`,
				);
			}
		}
		return vmJob(deps, caller, vm, {
			kind: LIFECYCLE_KINDS.destroy,
			cmd: CLASS_NAME,
			payload: { vmId: vm.id, expunge, volumeIds },
		});
	},
});
