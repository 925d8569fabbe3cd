import { CsError, ERROR } from "../../api/errors";
import { VM_FIELDS } from "../../api/serializers/vm";
import { LIFECYCLE_KINDS } from "../../vms/jobs-lifecycle";
import { hostRow, migrationCandidates, unsuitableTarget } from "../../vms/migrate-flow";
import { wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.admin.vm.MigrateVMCmd";

export const migrateVirtualMachine = defineCommand({
	name: "migrateVirtualMachine",
	description:
		"Live-migrates a running virtual machine to another host of its cluster (the host with the most free memory when hostid is absent)",
	access: "authenticated",
	authorized: ["Admin"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		virtualmachineid: p.uuid("the ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		hostid: p.uuid("Destination Host ID to migrate VM to", { related: "listHosts" }),
		storageid: p.uuid("not supported: move a stopped VM's disks with migrateVolume", { related: "listStoragePools" }),
		autoselect: p.boolean("Automatically select a destination host when hostid is absent (the default)", {
			since: "4.16.0",
		}),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		if (params.storageid !== undefined) {
			throw new CsError(
				ERROR.unsupportedAction,
				"Migrating a virtual machine's storage is not supported: use migrateVolume on its stopped volumes",
			);
		}
		const vm = await requireVmForChange(deps, caller, params.virtualmachineid);
		if (vm.state !== "Running" || !vm.hostId) throw wrongState(vm, "migrate", "Running");
		const source = await hostRow(deps.db, vm.hostId);
		if (!source) throw wrongState(vm, "migrate", "Running on a known host");
		let targetHostId = params.hostid;
		if (targetHostId !== undefined) {
			const why = unsuitableTarget(vm, source, await hostRow(deps.db, targetHostId));
			if (why) throw new CsError(ERROR.paramError, `Unable to migrate virtual machine ${vm.displayName}: ${why}`);
		} else {
			const [best] = await migrationCandidates(deps.db, vm, source);
			if (!best) {
				throw new CsError(
					ERROR.insufficientCapacity,
					`Unable to migrate virtual machine ${vm.displayName}: no other Up and Enabled host of its cluster has room for it`,
				);
			}
			targetHostId = best.id;
		}
		return vmJob(deps, caller, vm, {
			kind: LIFECYCLE_KINDS.migrate,
			cmd: CLASS_NAME,
			payload: { vmId: vm.id, targetHostId },
		});
	},
});
