/** @module The names CloudStack gives snapshots when the caller names none: `<vm>_<volume>_<yyyyMMddHHmmss>`. */

/** `yyyyMMddHHmmss` in UTC. */
export function stamp(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

export function defaultSnapshotName(vmInstanceName: string | undefined, volumeName: string, now: number): string {
	return `${vmInstanceName ?? "detached"}_${volumeName}_${stamp(now)}`;
}
