import { VM_FIELDS } from "../../api/serializers/vm";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.StopVMCmd";

/** Destroyed, Expunging and Error instances cannot be stopped (a queued job checks again when it runs). */
const STOPPABLE = ["Running", "Starting", "Stopping", "Stopped", "Migrating", "Unknown"];

export const stopVirtualMachine = defineCommand({
	name: "stopVirtualMachine",
	description: "Stops a virtual machine",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		forced: p.boolean(
			"Force stop the VM (vm is marked as Stopped even when command fails to be send to the backend, otherwise a force poweroff is attempted). This option is to be used if the caller knows the VM is stopped and should be marked as such.",
		),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		const vm = await requireVmForChange(deps, caller, params.id);
		if (!STOPPABLE.includes(vm.state)) throw wrongState(vm, "stop");
		return vmJob(deps, caller, vm, {
			kind: "vm.stop",
			cmd: CLASS_NAME,
			payload: { vmId: vm.id, forced: params.forced ?? false },
		});
	},
});
