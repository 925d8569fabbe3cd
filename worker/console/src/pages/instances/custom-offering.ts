/**
 * @module What a customized compute offering leaves to the deploy call. deployVirtualMachine takes
 * the offering's own CPU cores, speed and memory, and only for the ones the offering leaves empty
 * (CloudStack's custom and custom-constrained offerings) `details[0].cpuNumber`, `details[0].cpuSpeed`
 * and `details[0].memory`, within the bounds listServiceOfferings shows in `serviceofferingdetails`.
 */
import type { Row } from "../../api/client";

/** The wizard's form fields for the custom values (lower-case, like the offering's own fields). */
export type CustomField = "cpunumber" | "cpuspeed" | "memory";

export interface CustomInput {
	field: CustomField;
	label: string;
	/** The deployVirtualMachine parameter it is sent as. */
	param: string;
	min?: number;
	max?: number;
	/** The bounds as a sentence, or the unit alone. */
	description: string;
}

/** The detail key each field goes under, as the API's error texts name it (details[0].<key>). */
export const DETAIL_KEY: Record<CustomField, string> = {
	cpunumber: "cpuNumber",
	cpuspeed: "cpuSpeed",
	memory: "memory",
};

const LABELS: Record<CustomField, string> = {
	cpunumber: "CPU cores",
	cpuspeed: "CPU speed (MHz)",
	memory: "Memory (MB)",
};

/** Where CloudStack keeps each field's bounds (cpuspeed has none). */
const BOUNDS: Record<CustomField, [string, string] | undefined> = {
	cpunumber: ["mincpunumber", "maxcpunumber"],
	cpuspeed: undefined,
	memory: ["minmemory", "maxmemory"],
};

function bound(details: Row | undefined, key: string | undefined): number | undefined {
	if (!details || !key) return undefined;
	const value = Number(details[key]);
	return details[key] !== undefined && details[key] !== "" && Number.isFinite(value) ? value : undefined;
}

function describeBounds(min: number | undefined, max: number | undefined, unit: string): string {
	const suffix = unit ? ` ${unit}` : "";
	if (min !== undefined && max !== undefined) return `Between ${min} and ${max}${suffix}`;
	if (min !== undefined) return `At least ${min}${suffix}`;
	if (max !== undefined) return `At most ${max}${suffix}`;
	return "A whole number above 0";
}

/** The values the offering leaves to the caller, none for a fixed offering (or none chosen yet). */
export function customInputs(offering: Row | undefined): CustomInput[] {
	if (!offering) return [];
	const fields: CustomField[] = ["cpunumber", "cpuspeed", "memory"];
	return fields
		.filter((field) => offering[field] === undefined || offering[field] === null)
		.map((field) => {
			const [minKey, maxKey] = BOUNDS[field] ?? [];
			const details = offering.serviceofferingdetails as Row | undefined;
			const min = bound(details, minKey);
			const max = bound(details, maxKey);
			const input: CustomInput = {
				field,
				label: LABELS[field],
				param: `details[0].${DETAIL_KEY[field]}`,
				description: describeBounds(min, max, field === "memory" ? "MB" : ""),
			};
			if (min !== undefined) input.min = min;
			if (max !== undefined) input.max = max;
			return input;
		});
}

/** The deploy parameters of the custom values typed (only the inputs shown; empty ones left out). */
export function customDetails(inputs: readonly CustomInput[], values: Record<string, string>): Record<string, string> {
	const params: Record<string, string> = {};
	for (const input of inputs) {
		const value = (values[input.field] ?? "").trim();
		if (value) params[input.param] = value;
	}
	return params;
}
