/**
 * @module Where the agent finds a store: a D1 row (image store, primary pool) → the protocol's
 * StoreLocation, and the paths templates take inside a store (fixed in the issue 5 brief).
 */
import type { StoreLocation } from "@flarestack/protocol";
import { parseNfsUrl } from "../commands/storage/image-store-rules";
import type { imageStores, storagePools } from "../db/schema";

type PoolRow = Pick<typeof storagePools.$inferSelect, "type" | "host" | "path">;
type ImageStoreRow = Pick<typeof imageStores.$inferSelect, "url">;

/** A path with no trailing slash (an export `/x/` and `/x` are the same); `/` stays `/`. */
function absolute(path: string): string {
	const trimmed = path.replace(/\/+$/, "");
	return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** NetworkFilesystem → the NFS export; SharedMountPoint and Filesystem → a directory the agent sees. */
export function storeLocationOfPool(pool: PoolRow): StoreLocation {
	if (pool.type === "NetworkFilesystem") return { kind: "nfs", server: pool.host, path: absolute(pool.path) };
	return { kind: "local", path: absolute(pool.path) };
}

/** Image stores are NFS (`nfs://server/path`, validated by addImageStore). */
export function storeLocationOfImageStore(store: ImageStoreRow): StoreLocation {
	const { server, path } = parseNfsUrl(store.url);
	return { kind: "nfs", server, path: absolute(path) };
}

const EXTENSIONS = { QCOW2: "qcow2", RAW: "raw", ISO: "iso" } as const;

/** The template's directory on secondary storage (removed as a whole on delete). */
export function templateDirectory(accountId: string, templateId: string): string {
	return `template/tmpl/${accountId}/${templateId}`;
}

/** The template's file on secondary storage. */
export function secondaryPath(accountId: string, templateId: string, format: string): string {
	const extension = EXTENSIONS[format as keyof typeof EXTENSIONS] ?? "img";
	return `${templateDirectory(accountId, templateId)}/${templateId}.${extension}`;
}

/** The template's copy on a primary pool: always qcow2 (RAW is converted) so clones are linked clones. */
export function poolPath(templateId: string): string {
	return `template-${templateId}.qcow2`;
}
