/** @module Value formats CloudStack clients expect in responses. */

/** `yyyy-MM-dd'T'HH:mm:ssZ`, e.g. 2025-10-30T19:21:39+0000. */
export function csDate(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** Drops undefined and null fields: CloudStack (Gson) omits nulls. */
export function compact<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}
