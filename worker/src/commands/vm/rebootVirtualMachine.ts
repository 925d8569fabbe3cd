import { VM_FIELDS } from "../../api/serializers/vm";
import { LIFECYCLE_KINDS } from "../../vms/jobs-lifecycle";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.RebootVMCmd";

export const rebootVirtualMachine = defineCommand({
	name: "rebootVirtualMachine",
	description: "Reboots a virtual machine (a hard reset on its host: guests without ACPI ignore a reboot request)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		forced: p.boolean("Force reboot the VM (the reset is always a hard one)", { since: "4.16.0" }),
		bootintosetup: p.boolean("accepted and ignored: KVM guests have no firmware setup menu here", {
			since: "4.15.0.0",
		}),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state !== "Running") throw wrongState(vm, "reboot", "Running");
		return vmJob(deps, caller, vm, { kind: LIFECYCLE_KINDS.reboot, cmd: CLASS_NAME, payload: { vmId: vm.id } });
	},
});
