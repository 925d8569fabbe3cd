/**
 * @module How handlers reach a store: through a pool that keeps one open store per location for a
 * while (the agent: storage/open.ts StorePool), or by opening it for one piece of work and closing it
 * after (`template import`, tests), so a command never leaks an NFS connection.
 */
import type { StoreLocation } from "@flarestack/protocol";
import { openStore } from "../storage/open.ts";
import type { Store } from "../storage/store.ts";

export type OpenStore = (location: StoreLocation) => Promise<Store>;

/** A pool of open stores (StorePool has this shape). */
export interface StoreAccess {
	use<T>(location: StoreLocation, work: (store: Store) => Promise<T>): Promise<T>;
}

/** Either a pool, or an opener whose stores are closed after each use. */
export type StoreSource = OpenStore | StoreAccess;

/** Runs `work` with the store at `location`; a store opened for it is closed afterwards whatever happens. */
export async function withStore<T>(source: StoreSource, location: StoreLocation, work: (store: Store) => Promise<T>) {
	if (typeof source !== "function") return source.use(location, work);
	const store = await source(location);
	try {
		return await work(store);
	} finally {
		await store.close().catch(() => {});
	}
}

/** The directory part of a store path ("" at the top). */
export function parentOf(path: string): string {
	const slash = path.lastIndexOf("/");
	return slash < 0 ? "" : path.slice(0, slash);
}

/** How `template import` reaches stores: NFS in userspace (or a kernel mount), or a directory. */
export const defaultOpenStore: OpenStore = (location) => openStore(location);
