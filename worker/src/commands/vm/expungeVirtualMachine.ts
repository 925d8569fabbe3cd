import { LIFECYCLE_KINDS } from "../../vms/jobs-lifecycle";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireAdminFor, requireVmForChange, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.admin.vm.ExpungeVMCmd";

export const expungeVirtualMachine = defineCommand({
	name: "expungeVirtualMachine",
	description:
		"Expunges a destroyed virtual machine: its ROOT disk, destroyed data disks and config drive are removed, its addresses released",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["destroyVirtualMachine", "listVirtualMachines"],
	async handle({ params, deps, caller }) {
		requireAdminFor(
			caller,
			"Expunging a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.",
		);
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state !== "Destroyed") throw wrongState(vm, "expunge", "Destroyed");
		return vmJob(deps, caller, vm, { kind: LIFECYCLE_KINDS.expunge, cmd: CLASS_NAME, payload: { vmId: vm.id } });
	},
});
