/**
 * @module template.prepare: the copy of a template from secondary storage onto a primary pool, made
 * once. Calls for the same pool and path share one flight (a Map of promises), so ten deployments
 * asking at the same moment cause one `qemu-img convert`; a copy already in place is reused. The copy
 * is written as `path.part` and renamed, so a file at `path` is always complete. The flight is
 * aborted only when every caller waiting on it has given up (its deadline passed).
 */
import type { CommandArgs, StoredImage, StoreLocation } from "@flarestack/protocol";
import type { Logger } from "../log.ts";
import { StoreError } from "../storage/store.ts";
import { DownloadError } from "./errors.ts";
import type { QemuImg } from "./qemu-img.ts";
import { parentOf, type StoreSource, withStore } from "./stores.ts";

type PrepareArgs = CommandArgs<"template.prepare">;
type Prepared = StoredImage & { copied: boolean };

interface Flight {
	promise: Promise<Prepared>;
	controller: AbortController;
	waiters: number;
}

/** No copy runs longer than this even if its callers keep waiting. */
const COPY_LIMIT_MS = 24 * 3600_000;

export class TemplateCopier {
	private readonly flights = new Map<string, Flight>();
	private readonly open: StoreSource;
	private readonly qemuImg: QemuImg;
	private readonly log: Logger | undefined;

	constructor(open: StoreSource, qemuImg: QemuImg, log?: Logger) {
		this.open = open;
		this.qemuImg = qemuImg;
		this.log = log;
	}

	/** Copies (or finds) the template on the pool; `copied` is true for the one caller whose call copied it. */
	async prepare(args: PrepareArgs, signal: AbortSignal): Promise<Prepared> {
		signal.throwIfAborted();
		const key = `${locationKey(args.pool)}\0${args.path}`;
		let flight = this.flights.get(key);
		const first = !flight;
		if (!flight) {
			const controller = new AbortController();
			const started: Flight = { promise: this.copy(args, controller.signal), controller, waiters: 0 };
			started.promise
				.finally(() => {
					if (this.flights.get(key) === started) this.flights.delete(key);
				})
				.catch(() => {});
			this.flights.set(key, started);
			flight = started;
		}
		const joined = flight;
		joined.waiters++;
		let left = false;
		const leave = () => {
			if (left) return;
			left = true;
			if (--joined.waiters === 0) joined.controller.abort(signal.reason);
		};
		try {
			const result = await new Promise<Prepared>((resolve, reject) => {
				const onAbort = () => reject(signal.reason);
				signal.addEventListener("abort", onAbort, { once: true });
				const settle = () => signal.removeEventListener("abort", onAbort);
				joined.promise.then(
					(value) => {
						settle();
						resolve(value);
					},
					(error: unknown) => {
						settle();
						reject(error);
					},
				);
			});
			return { ...result, copied: first && result.copied };
		} finally {
			leave();
		}
	}

	private async copy(args: PrepareArgs, signal: AbortSignal): Promise<Prepared> {
		return withStore(this.open, args.pool, async (pool) => {
			const existing = await pool.stat(args.path);
			if (existing?.type === "file") {
				const info = await this.qemuImg.info(pool.qemuPath(args.path), signal);
				return image(args, info.virtualSize, info.actualSize ?? existing.size, false);
			}
			return withStore(this.open, args.source.store, async (source) => {
				const from = await source.stat(args.source.path);
				if (from?.type !== "file") {
					throw new DownloadError(`the template is not on secondary storage: ${source.label}/${args.source.path}`);
				}
				const { capacityBytes, usedBytes } = await pool.usage();
				const free = Math.max(0, capacityBytes - usedBytes);
				if (from.size > free) {
					throw new StoreError(
						"no_space",
						`primary storage ${pool.label} is full: ${free} bytes free, the template takes ${from.size} bytes`,
					);
				}
				const parent = parentOf(args.path);
				if (parent) await pool.mkdirp(parent);
				const part = `${args.path}.part`;
				const iso = args.source.format === "ISO";
				const started = Date.now();
				try {
					await this.qemuImg.convert(
						{ path: source.qemuPath(args.source.path), format: args.source.format === "QCOW2" ? "qcow2" : "raw" },
						// An ISO stays a plain file (a CD-ROM), every disk image becomes a qcow2 to clone from.
						{ path: pool.qemuPath(part), format: iso ? "raw" : "qcow2" },
						COPY_LIMIT_MS,
						signal,
					);
					signal.throwIfAborted();
					await pool.rename(part, args.path);
				} catch (error) {
					await pool.remove(part).catch(() => false);
					throw error;
				}
				this.log?.info("template copied to the pool", { pool: pool.label, path: args.path, ms: Date.now() - started });
				const info = await this.qemuImg.info(pool.qemuPath(args.path), signal);
				const size = iso ? from.size : info.virtualSize;
				return image(args, size, info.actualSize ?? from.size, true);
			});
		});
	}
}

function image(args: PrepareArgs, sizeBytes: number, physicalBytes: number, copied: boolean): Prepared {
	const format = args.source.format === "ISO" ? "ISO" : "QCOW2";
	return { path: args.path, format, sizeBytes, physicalBytes, copied };
}

/** One key per store, whatever reaches it. */
export function locationKey(location: StoreLocation): string {
	return location.kind === "nfs" ? `nfs://${location.server}${location.path}` : `file://${location.path}`;
}
