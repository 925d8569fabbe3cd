/** @module How the dashboard writes capacity figures: binary byte units, GHz, plain counts. */
import { formatBytes } from "../../api/format";

/** Three significant figures at most: "1.5 GiB", "12.0 GiB", "256 GiB". */
export const bytes = (value: number): string =>
	formatBytes(value, { empty: "0 B", digits: (scaled) => (scaled >= 100 ? 0 : 1) });

export function megahertz(value: number): string {
	return value >= 1000 ? `${(value / 1000).toFixed(1)} GHz` : `${value} MHz`;
}

export const count = (value: number): string => value.toLocaleString();

/** listCapacity's types (worker/src/db/repos/capacity.ts CAPACITY_NAMES), in the order shown. */
export const CAPACITY_TYPES: { type: number; label: string; format(value: number): string }[] = [
	{ type: 1, label: "CPU", format: megahertz },
	{ type: 90, label: "CPU cores", format: count },
	{ type: 0, label: "Memory", format: bytes },
	{ type: 2, label: "Primary storage used", format: bytes },
	{ type: 3, label: "Primary storage allocated", format: bytes },
	{ type: 6, label: "Secondary storage", format: bytes },
	{ type: 8, label: "Shared network IPs", format: count },
	{ type: 5, label: "Management IPs", format: count },
	{ type: 4, label: "Public IPs", format: count },
	{ type: 7, label: "VLANs", format: count },
	{ type: 9, label: "Local storage", format: bytes },
	{ type: 19, label: "GPUs", format: count },
];
