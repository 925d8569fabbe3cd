import { serializeVms, VM_FIELDS } from "../../api/serializers/vm";
import { recoverVm } from "../../vms/destroy-flow";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireAdminFor, requireVmForChange, VM_RELATED } from "./lifecycle-rules";

export const recoverVirtualMachine = defineCommand({
	name: "recoverVirtualMachine",
	description: "Recovers a destroyed virtual machine (it becomes Stopped) before it is expunged",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED, "destroyVirtualMachine"],
	async handle({ params, deps, caller }) {
		requireAdminFor(
			caller,
			"Recovering a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.",
		);
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state !== "Destroyed") throw wrongState(vm, "recover", "Destroyed");
		const row = await recoverVm(deps, caller, vm);
		const [value] = await serializeVms(deps.db, [row], caller);
		return { type: "object", name: "virtualmachine", value: value ?? { id: row.id } };
	},
});
