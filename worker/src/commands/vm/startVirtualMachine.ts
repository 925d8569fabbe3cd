import { permissionDenied } from "../../api/errors";
import { VM_FIELDS } from "../../api/serializers/vm";
import { isRootAdmin } from "../../domain/access";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.StartVMCmd";

/** States a start can come to (a queued job checks again when it runs). */
const STARTABLE = ["Stopped", "Starting", "Running", "Stopping"];

export const startVirtualMachine = defineCommand({
	name: "startVirtualMachine",
	description: "Starts a virtual machine",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		hostid: p.uuid("destination Host ID to deploy the VM to (root admin only)", {
			since: "3.0.1",
			related: "listHosts",
		}),
		podid: p.uuid("destination Pod ID to deploy the VM to (root admin only)", { since: "4.13", related: "listPods" }),
		clusterid: p.uuid("destination Cluster ID to deploy the VM to (root admin only)", {
			since: "4.13",
			related: "listClusters",
		}),
		considerlasthost: p.boolean("accepted: the planner prefers the least used host", { since: "4.18.0" }),
		bootintosetup: p.boolean("accepted and ignored: KVM guests have no firmware setup menu here", {
			since: "4.15.0.0",
		}),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		if ((params.hostid || params.podid || params.clusterid) && !isRootAdmin(caller)) {
			throw permissionDenied("Only the root admin may choose the pod, cluster or host of an instance");
		}
		const vm = await requireVmForChange(deps, caller, params.id);
		if (!STARTABLE.includes(vm.state)) throw wrongState(vm, "start");
		return vmJob(deps, caller, vm, {
			kind: "vm.start",
			cmd: CLASS_NAME,
			payload: { vmId: vm.id, hostId: params.hostid, podId: params.podid, clusterId: params.clusterid },
		});
	},
});
