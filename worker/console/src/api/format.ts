/** @module How the console writes API values: byte sizes in binary units, usage of a pool, dates. */

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export interface ByteFormat {
	/** Decimals shown above bytes, or a function of the scaled number (whole bytes have none). */
	digits?: number | ((scaled: number) => number);
	/** What an unknown, zero or negative size reads as. */
	empty?: string;
}

/** Bytes in binary units, as CloudStack's UI shows them: `formatBytes(5 * 2 ** 30)` is "5.0 GiB". */
export function formatBytes(value: unknown, { digits = 1, empty = "—" }: ByteFormat = {}): string {
	const bytes = Number(value);
	if (!Number.isFinite(bytes) || bytes <= 0) return empty;
	let scaled = bytes;
	let unit = 0;
	while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
		scaled /= 1024;
		unit++;
	}
	const places = unit === 0 ? 0 : typeof digits === "function" ? digits(scaled) : digits;
	return `${scaled.toFixed(places)} ${BYTE_UNITS[unit]}`;
}

/** Capacities on the infrastructure pages: two decimals, and "0 B" for an empty pool. */
export const CAPACITY: ByteFormat = { digits: 2, empty: "0 B" };

/** "used / total (n%)" of a pool or store. */
export function usage(used: unknown, total: unknown): string {
	const t = Number(total);
	const u = Number(used);
	const percent = t > 0 ? ` (${((u / t) * 100).toFixed(1)}%)` : "";
	return `${formatBytes(u, CAPACITY)} / ${formatBytes(t, CAPACITY)}${percent}`;
}

/** An API date ("2026-12-02T06:44:35+0000") in the browser's locale; "—" when there is none. */
export function formatDate(value: unknown): string {
	if (!value) return "—";
	const date = new Date(String(value).replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
	return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
