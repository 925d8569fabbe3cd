import { VM_FIELDS } from "../../api/serializers/vm";
import { defineCommand } from "../define";
import type { FieldTable } from "../types";
import { VM_RELATED } from "./lifecycle-rules";
import { listVirtualMachines } from "./listVirtualMachines";

/**
 * What the metrics view adds to a `virtualmachine` (CloudStack's VmMetricsResponse). The I/O
 * counters (network/disk read/write, IOPS) need guest statistics the agent does not collect yet:
 * like CloudStack with no stats, they are left out rather than shown as zero.
 */
const METRICS_FIELDS = {
	cputotal: ["string", "the total cpu capacity in Ghz"],
	memorytotal: ["string", "the total memory capacity in GiB"],
} as const satisfies FieldTable;

/** CloudStack's text: `String.format("%.1f Ghz", …)` and `"%.2f GB"`. */
export function vmMetrics(vm: Record<string, unknown>): Record<string, unknown> {
	const cpuNumber = Number(vm.cpunumber);
	const cpuSpeed = Number(vm.cpuspeed);
	const memory = Number(vm.memory);
	return {
		...vm,
		...(Number.isFinite(cpuNumber * cpuSpeed) ? { cputotal: `${((cpuNumber * cpuSpeed) / 1000).toFixed(1)} Ghz` } : {}),
		...(Number.isFinite(memory) ? { memorytotal: `${(memory / 1024).toFixed(2)} GB` } : {}),
	};
}

export const listVirtualMachinesMetrics = defineCommand({
	name: "listVirtualMachinesMetrics",
	description: "Lists VM metrics: the listVirtualMachines answer with each VM's total CPU and memory",
	since: "4.9.3",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: listVirtualMachines.params,
	responseFields: { ...VM_FIELDS, ...METRICS_FIELDS },
	related: [...VM_RELATED, "listVirtualMachines"],
	async handle(ctx) {
		if (listVirtualMachines.access !== "authenticated") throw new Error("listVirtualMachines must be authenticated");
		const listed = await listVirtualMachines.handle(ctx);
		if (listed.type !== "list") return listed;
		return { ...listed, items: listed.items.map(vmMetrics) };
	},
});
