/**
 * @module Primary storage rules that do not touch the database: how a `createStoragePool` url is
 * read, how storage tags are normalised, and whether a pool may receive new volumes.
 */

/** CloudStack's StoragePoolType names for the url schemes we accept. */
export type PoolType = "NetworkFilesystem" | "SharedMountPoint" | "Filesystem";

export interface PoolLocation {
	type: PoolType;
	/** The NFS server, or the host named in a mount-point url (`localhost` when none is given). */
	host: string;
	/** Absolute path without a trailing slash (except the root `/`). */
	path: string;
	/** The canonical url we store: `<scheme>://<host><path>`. */
	url: string;
}

const SCHEMES: Record<string, { type: PoolType; scheme: string }> = {
	nfs: { type: "NetworkFilesystem", scheme: "nfs" },
	sharedmountpoint: { type: "SharedMountPoint", scheme: "SharedMountPoint" },
	file: { type: "Filesystem", scheme: "file" },
};

/**
 * Reads a primary-storage url. Accepted: `nfs://server/path` (server required),
 * `SharedMountPoint://host/path` (any case of the scheme; host defaults to localhost) and
 * `file://host/path` (CloudStack's Filesystem type). Anything else, including a bare path
 * without a scheme, is refused with a sentence that says what to send.
 */
export function parsePoolUrl(raw: string): PoolLocation | { error: string } {
	const text = raw.trim();
	const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?$/.exec(text);
	if (!match) {
		// `server:/export` is how NFS exports are usually written; say what to send instead.
		const exportForm = /^([^:/\s]+):(\/[^\s]*)$/.exec(text);
		if (exportForm && !SCHEMES[exportForm[1]?.toLowerCase() ?? ""]) {
			return { error: `scheme is null ${raw}, add nfs:// as a prefix: nfs://${exportForm[1]}${exportForm[2]}` };
		}
		if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
			return { error: `${raw} is not a valid uri: expected <scheme>://<host>/<path>` };
		}
		return {
			error: `scheme is null ${raw}, add nfs:// or SharedMountPoint:// as a prefix (e.g. nfs://server/export/primary)`,
		};
	}
	const [, schemeText = "", hostText = "", pathText = ""] = match;
	const known = SCHEMES[schemeText.toLowerCase()];
	if (!known) {
		return {
			error: `Unsupported storage pool protocol: ${schemeText}; use nfs://server/path, SharedMountPoint://host/path or file://host/path`,
		};
	}
	let host: string;
	let path: string;
	try {
		host = decodeURIComponent(hostText).trim().toLowerCase();
		path = decodeURIComponent(pathText);
	} catch {
		return { error: `${raw} is not a valid uri: it contains a malformed percent-encoding` };
	}
	if (known.type === "NetworkFilesystem" && (host === "" || path === "" || path === "/")) {
		return { error: `host or path is null, should be nfs://hostname/path (got ${raw})` };
	}
	if (path === "" || path === "/") {
		return {
			error: `The path of ${raw} is missing: give the mount point, e.g. ${known.scheme}://localhost/mnt/primary`,
		};
	}
	if (/[\s]/.test(host) || host.includes("@") || host.includes(":")) {
		return { error: `The host of ${raw} is not a valid host name or IPv4 address` };
	}
	if (host === "") host = "localhost";
	path = path.replace(/\/+/g, "/").replace(/\/$/, "");
	return { type: known.type, host, path, url: `${known.scheme}://${host}${path}` };
}

/**
 * Storage tags as stored and shown: trimmed, empty entries dropped, duplicates removed (first
 * spelling kept), joined by commas; null when nothing is left.
 */
export function normaliseStorageTags(tags: readonly string[]): string | null {
	const seen = new Set<string>();
	const kept: string[] = [];
	for (const raw of tags) {
		const tag = raw.trim();
		if (tag === "" || seen.has(tag)) continue;
		seen.add(tag);
		kept.push(tag);
	}
	return kept.length === 0 ? null : kept.join(",");
}

/** The tags of a stored `tags` column as a list. */
export function storageTagList(tags: string | null): string[] {
	return tags ? tags.split(",") : [];
}

/**
 * Whether new volumes may be placed on the pool: only an Up pool accepts them. Disabled pools
 * keep their volumes but take no new ones (CloudStack's updateStoragePool enabled=false), and a
 * pool in PrepareForMaintenance, Maintenance or ErrorInMaintenance is skipped by every allocator.
 */
export function poolAcceptsPlacements(pool: { state: string }): boolean {
	return pool.state === "Up";
}

/** Whether the pool carries every storage tag an offering asks for (CloudStack matches exactly). */
export function poolHasTags(pool: { tags: string | null }, required: readonly string[]): boolean {
	const have = new Set(storageTagList(pool.tags));
	return required.every((tag) => have.has(tag));
}

/** The providers `listStorageProviders` reports, per store type. */
export const STORAGE_PROVIDERS = {
	primary: [{ name: "DefaultPrimary", type: "PRIMARY" }],
	image: [{ name: "NFS", type: "IMAGE" }],
} as const;
