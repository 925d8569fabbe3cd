import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { serializeVms, VM_FIELDS } from "../../api/serializers/vm";
import { eventInsert } from "../../db/events";
import { serviceOfferings, vmInstances } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { canonicalUserData } from "../../vms/config-drive";
import { vmOwner, vmResource } from "../../vms/lifecycle-steps";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED } from "./lifecycle-rules";

/** CloudStack's hostname rule (RFC 1123 label, not starting with a digit). */
const HOSTNAME = /^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
export const updateVirtualMachine = defineCommand({
	name: "updateVirtualMachine",
	description:
		"Updates properties of a virtual machine: display name, host name, HA, user data, details (the host name and user data reach the guest's config drive at its next start)",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		displayname: p.string("user generated name"),
		name: p.string("new host name of the vm; the VM sees it at its next start", { since: "4.4" }),
		haenable: p.boolean("true if high-availability is enabled for the virtual machine (the offering must offer HA)"),
		userdata: p.string(
			"Base64 user data for the guest's config drive (at most 1 MiB decoded), seen at its next start",
			{
				since: "4.16.0",
				length: 1_048_576 * 2,
			},
		),
		displayvm: p.boolean("an optional field, whether to the display the vm to the end user or not (root admin only)"),
		details: p.map("Details in key/value pairs (merged into the VM's details)"),
		cleanupdetails: p.boolean("optional boolean field, which indicates if details should be cleaned up or not"),
		group: p.string("accepted and ignored: instance groups are not kept"),
		ostypeid: p.uuid("accepted and ignored: the OS type is the template's", { related: "listOsTypes" }),
		isdynamicallyscalable: p.boolean("accepted and ignored: only stopped VMs are scaled"),
		deleteprotection: p.boolean("accepted and ignored: not kept", { since: "4.20.0" }),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state === "Destroyed" || vm.state === "Expunging") {
			throw new CsError(ERROR.paramError, `Virtual machine ${vm.displayName} is ${vm.state}: it cannot be updated`);
		}
		const set: Partial<typeof vmInstances.$inferInsert> = {};
		if (params.displayname !== undefined && params.displayname.trim() !== "") set.displayName = params.displayname;
		if (params.name !== undefined && params.name !== vm.name) {
			if (!HOSTNAME.test(params.name)) {
				throw new CsError(
					ERROR.paramError,
					"Invalid name. Vm name can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'), must be between 1 and 63 characters long, and can't start or end with \"-\" and can't start with digit",
				);
			}
			set.name = params.name;
		}
		if (params.haenable !== undefined) {
			if (params.haenable) {
				const offering = await deps.db
					.select({ offerHa: serviceOfferings.offerHa })
					.from(serviceOfferings)
					.where(eq(serviceOfferings.id, vm.serviceOfferingId))
					.get();
				if (!offering?.offerHa) {
					throw new CsError(
						ERROR.paramError,
						"Can't enable ha for the vm as it's created from the Service offering having HA disabled",
					);
				}
			}
			set.haEnabled = params.haenable;
		}
		if (params.userdata !== undefined) set.userData = canonicalUserData(params.userdata);
		if (params.displayvm !== undefined) {
			if (!isRootAdmin(caller)) throw new CsError(ERROR.account, "Only a root admin may change displayvm");
			set.displayVm = params.displayvm;
		}
		if (params.cleanupdetails) set.details = null;
		else if (params.details && params.details.length > 0) {
			const merged: Record<string, string> = vm.details ? (JSON.parse(vm.details) as Record<string, string>) : {};
			for (const entry of params.details) Object.assign(merged, entry);
			set.details = JSON.stringify(merged);
		}
		let row = vm;
		if (Object.keys(set).length > 0) {
			const [updated] = await deps.db.update(vmInstances).set(set).where(eq(vmInstances.id, vm.id)).returning();
			row = updated ?? vm;
			await eventInsert(deps.db, deps.clock.now(), caller, {
				type: "VM.UPDATE",
				description: `Updated virtual machine ${row.displayName} (${row.instanceName})`,
				owner: vmOwner(vm),
				...vmResource(row),
			});
		}
		const [value] = await serializeVms(deps.db, [row], caller);
		return { type: "object", name: "virtualmachine", value: value ?? { id: row.id } };
	},
});
