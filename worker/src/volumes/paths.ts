/**
 * @module Where volume files live (fixed in the issue 6 brief) and how a volume's device id maps to
 * the disk target the guest sees. Pure.
 */

/** A volume's file at its pool's root. */
export function volumePath(volumeId: string): string {
	return `${volumeId}.qcow2`;
}

/** A volume snapshot on the zone's secondary storage. */
export function snapshotPath(accountId: string, volumeId: string, snapshotId: string): string {
	return `snapshots/${accountId}/${volumeId}/${snapshotId}.qcow2`;
}

/** A disk-only VM snapshot's copy of one volume, next to the volume on its pool. */
export function vmSnapshotPath(vmSnapshotId: string, volumeId: string): string {
	return `vmsnap-${vmSnapshotId}-${volumeId}.qcow2`;
}

/** Device 0 is vda, 1 vdb, …: the order of the disks in the domain. */
export function diskTargetOf(deviceId: number): string {
	return `vd${String.fromCharCode(97 + deviceId)}`;
}

/**
 * The device id a new data disk gets: the lowest free one from 1 (the CD-ROM is on hdc, so no
 * virtio slot is kept for it). Undefined when the guest has no free slot (vdb…vdz).
 */
export function nextDeviceId(used: readonly number[]): number | undefined {
	for (let id = 1; id < 26; id++) {
		if (!used.includes(id)) return id;
	}
	return undefined;
}

export const GIB = 1024 ** 3;
