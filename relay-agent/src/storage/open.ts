/**
 * @module Picks how a store is reached: a directory → LocalStore; NFS → a kernel mount when this
 * kernel has an NFS client and we are root (then LocalStore on the mount point), else the agent's
 * own NFSv3 client (NfsStore). StorePool keeps one open store per location for a while, so the
 * handlers of a busy zone reuse one NFS connection instead of mounting per command.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { StoreLocation } from "@flarestack/protocol";
import { execProgram } from "../exec.ts";
import { LocalStore } from "./local-store.ts";
import { NfsStore, type NfsStoreOptions } from "./nfs-store.ts";
import { type Store, StoreError } from "./store.ts";

export interface OpenStoreOptions {
	/** Where kernel NFS mounts go (one directory per export); without it NFS is always userspace. */
	mountRoot?: string;
	nfs?: NfsStoreOptions;
}

async function kernelHasNfs(): Promise<boolean> {
	if (process.getuid?.() !== 0) return false;
	const fs = await readFile("/proc/filesystems", "utf8").catch(() => "");
	return /\snfs4?$/m.test(fs);
}

/** Mounts `server:path` under `mountRoot` (once; an existing mount is reused). */
async function kernelMount(location: StoreLocation & { kind: "nfs" }, mountRoot: string): Promise<string> {
	const id = createHash("sha256").update(`${location.server}:${location.path}`).digest("hex").slice(0, 16);
	const dir = path.join(mountRoot, id);
	const mounts = await readFile("/proc/mounts", "utf8").catch(() => "");
	if (mounts.split("\n").some((l) => l.split(" ")[1] === dir)) return dir;
	await mkdir(dir, { recursive: true, mode: 0o755 });
	try {
		await execProgram("mount", ["-t", "nfs", "-o", "vers=3", `${location.server}:${location.path}`, dir], {
			timeoutMs: 60_000,
		});
	} catch (e) {
		throw new StoreError(
			"unreachable",
			`nfs://${location.server}${location.path} could not be mounted: ${(e as Error).message}`,
		);
	}
	return dir;
}

/** The Store for `location`; close it when done (or use a StorePool). */
export async function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<Store> {
	if (location.kind === "local") return new LocalStore(location.path);
	if (options.mountRoot && (await kernelHasNfs())) {
		return new LocalStore(await kernelMount(location, options.mountRoot), location);
	}
	return new NfsStore(location, options.nfs);
}

interface PoolEntry {
	store: Promise<Store>;
	users: number;
	idle: NodeJS.Timeout | null;
}

/** One open store per location, closed after `idleMs` without users. */
export class StorePool {
	readonly #entries = new Map<string, PoolEntry>();
	readonly #options: OpenStoreOptions;
	readonly #idleMs: number;

	constructor(options: OpenStoreOptions & { idleMs?: number } = {}) {
		this.#options = options;
		this.#idleMs = options.idleMs ?? 60_000;
	}

	/** Runs `fn` with the store of `location`, opening it or reusing the open one. */
	async use<T>(location: StoreLocation, fn: (store: Store) => Promise<T>): Promise<T> {
		const key = JSON.stringify(
			location.kind === "nfs" ? [location.kind, location.server, location.path] : [location.kind, location.path],
		);
		let entry = this.#entries.get(key);
		if (!entry) {
			entry = { store: openStore(location, this.#options), users: 0, idle: null };
			this.#entries.set(key, entry);
			entry.store.catch(() => this.#entries.delete(key));
		}
		if (entry.idle) clearTimeout(entry.idle);
		entry.idle = null;
		entry.users++;
		try {
			return await fn(await entry.store);
		} finally {
			entry.users--;
			if (entry.users === 0 && this.#entries.get(key) === entry) {
				const current = entry;
				current.idle = setTimeout(() => {
					this.#entries.delete(key);
					current.store.then(
						(s) => s.close(),
						() => {},
					);
				}, this.#idleMs);
				current.idle.unref();
			}
		}
	}

	/** Closes every store (agent shutdown). */
	async close(): Promise<void> {
		const entries = [...this.#entries.values()];
		this.#entries.clear();
		for (const e of entries) if (e.idle) clearTimeout(e.idle);
		await Promise.all(
			entries.map((e) =>
				e.store.then(
					(s) => s.close(),
					() => {},
				),
			),
		);
	}
}
