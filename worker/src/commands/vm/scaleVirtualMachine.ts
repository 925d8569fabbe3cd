import { and, eq, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { VM_FIELDS } from "../../api/serializers/vm";
import { serviceOfferings } from "../../db/schema";
import { LIFECYCLE_KINDS, type ScalePayload } from "../../vms/jobs-lifecycle";
import { type VmRow, wrongState } from "../../vms/vm-rows";
import { defineCommand } from "../define";
import type { MapEntries } from "../param-spec";
import { p } from "../param-spec";
import { requireVmForChange, VM_RELATED, vmJob } from "./lifecycle-rules";

const CLASS_NAME = "org.apache.cloudstack.api.command.user.vm.ScaleVMCmd";

type OfferingRow = typeof serviceOfferings.$inferSelect;

function detail(entries: MapEntries | undefined, key: string): string | undefined {
	for (const entry of entries ?? []) {
		for (const [name, value] of Object.entries(entry)) if (name.toLowerCase() === key.toLowerCase()) return value;
	}
	return undefined;
}

/** A positive whole number from `details`, within [min, max] when the offering sets them. */
function sized(entries: MapEntries | undefined, key: string, min: number | null, max: number | null): number | null {
	const raw = detail(entries, key);
	if (raw === undefined) return null;
	const value = Number(raw);
	if (!Number.isInteger(value) || value <= 0) throw new CsError(ERROR.paramError, `Invalid ${key} value ${raw}`);
	if ((min !== null && value < min) || (max !== null && value > max)) {
		throw new CsError(ERROR.paramError, `${key} ${value} is outside the offering's range ${min ?? 1}-${max ?? "∞"}`);
	}
	return value;
}

/** The sizes the VM gets: the offering's, or for a customized one the `details` cpuNumber/cpuSpeed/memory. */
export function scaledSizes(offering: OfferingRow, details: MapEntries | undefined) {
	const cpuNumber = offering.cpuNumber ?? sized(details, "cpuNumber", offering.minCpuNumber, offering.maxCpuNumber);
	const cpuSpeed = offering.cpuSpeed ?? sized(details, "cpuSpeed", null, null);
	const memory = offering.memory ?? sized(details, "memory", offering.minMemory, offering.maxMemory);
	if (cpuNumber === null || cpuSpeed === null || memory === null) {
		throw new CsError(
			ERROR.paramError,
			`Service offering ${offering.name} is customized: give details[0].cpuNumber, details[0].cpuSpeed and details[0].memory`,
		);
	}
	return { cpuNumber, cpuSpeed, memory };
}

function unchanged(vm: VmRow, offeringId: string, sizes: ReturnType<typeof scaledSizes>): boolean {
	return (
		vm.serviceOfferingId === offeringId &&
		vm.cpuNumber === sizes.cpuNumber &&
		vm.cpuSpeed === sizes.cpuSpeed &&
		vm.memory === sizes.memory
	);
}

export const scaleVirtualMachine = defineCommand({
	name: "scaleVirtualMachine",
	description: "Changes the service offering (CPU and memory) of a stopped virtual machine",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: CLASS_NAME, instanceType: "VirtualMachine" },
	params: {
		id: p.uuid("The ID of the virtual machine", { required: true, related: "listVirtualMachines" }),
		serviceofferingid: p.uuid("the ID of the service offering for the virtual machine", {
			required: true,
			related: "listServiceOfferings",
		}),
		details: p.map("name value pairs of custom parameters for cpuNumber, cpuSpeed and memory (customized offerings)"),
		miniops: p.long("accepted and ignored: no IOPS limits", { since: "4.17" }),
		maxiops: p.long("accepted and ignored: no IOPS limits", { since: "4.17" }),
		automigrate: p.boolean("accepted and ignored: only the offering changes, disks stay", { since: "4.17" }),
		shrinkok: p.boolean("accepted and ignored: disks are not resized", { since: "4.17" }),
	},
	responseFields: VM_FIELDS,
	related: [...VM_RELATED],
	async handle({ params, deps, caller }) {
		const vm = await requireVmForChange(deps, caller, params.id);
		if (vm.state !== "Stopped") throw wrongState(vm, "scale", "Stopped (scaling a running VM is not supported)");
		const offering = await deps.db
			.select()
			.from(serviceOfferings)
			.where(and(eq(serviceOfferings.id, params.serviceofferingid), isNull(serviceOfferings.removed)))
			.get();
		if (!offering || offering.isSystem || offering.state !== "Active") {
			throw new CsError(ERROR.paramError, `Unable to find service offering ${params.serviceofferingid}`);
		}
		if (offering.zoneIds && !offering.zoneIds.split(",").includes(vm.zoneId)) {
			throw new CsError(ERROR.paramError, `Service offering ${offering.name} is not available in the VM's zone`);
		}
		const sizes = scaledSizes(offering, params.details);
		if (unchanged(vm, offering.id, sizes)) {
			throw new CsError(
				ERROR.paramError,
				`Not upgrading vm ${vm.displayName} since it already has the requested service offering (${offering.name})`,
			);
		}
		const payload: ScalePayload = {
			vmId: vm.id,
			serviceOfferingId: offering.id,
			...sizes,
			haEnabled: offering.offerHa,
		};
		return vmJob(deps, caller, vm, { kind: LIFECYCLE_KINDS.scale, cmd: CLASS_NAME, payload });
	},
});
