/**
 * @module qemu-img, the only tool that reads and writes images: `info` (probing the format, never
 * told it, so a file cannot pass as what it is not), `convert` (the copy onto a pool) and `create`
 * (linked clones). Argument arrays only (exec.ts); paths come from Store.qemuPath.
 */
import { ExecError, execProgram } from "../exec.ts";

/** The fields of `qemu-img info --output=json` the agent reads. */
export interface ImageInfo {
	format: string;
	virtualSize: number;
	/** What the file takes on disk, when qemu-img can tell. */
	actualSize?: number;
	backingFilename?: string;
	dataFile?: string;
}

/** Runs qemu-img; a test may put a fake in its place. */
export type QemuImgRunner = (args: string[], options: { timeoutMs: number; signal?: AbortSignal }) => Promise<string>;

export const runQemuImg: QemuImgRunner = (args, options) =>
	execProgram("qemu-img", args, { ...options, env: { ...process.env, LC_ALL: "C" } });

export class QemuImg {
	private readonly run: QemuImgRunner;
	constructor(run: QemuImgRunner = runQemuImg) {
		this.run = run;
	}

	/** Probes `path` (no -f: qemu-img decides the format) without taking a lock (-U). */
	async info(path: string, signal?: AbortSignal): Promise<ImageInfo> {
		const text = await this.exec(["info", "--output=json", "-U", path], 60_000, signal);
		return parseInfo(text);
	}

	async convert(
		from: { path: string; format: "qcow2" | "raw" },
		to: { path: string; format: "qcow2" | "raw" },
		timeoutMs: number,
		signal?: AbortSignal,
	): Promise<void> {
		await this.exec(["convert", "-f", from.format, "-O", to.format, from.path, to.path], timeoutMs, signal);
	}

	/**
	 * A qcow2 overlay of `backing` (as written into the overlay: relative to its directory). `-u`
	 * with an explicit size: qemu-img does not open the backing file, which the caller has checked
	 * already (over nfs:// that open would cost a second mount).
	 */
	async createOverlay(path: string, backing: string, sizeBytes: number, signal?: AbortSignal) {
		const args = ["create", "-q", "-u", "-f", "qcow2", "-F", "qcow2", "-b", backing, path, String(sizeBytes)];
		await this.exec(args, 60_000, signal);
	}

	/** A blank qcow2 of `sizeBytes` (a data disk). */
	async create(path: string, sizeBytes: number, signal?: AbortSignal): Promise<void> {
		await this.exec(["create", "-q", "-f", "qcow2", path, String(sizeBytes)], 60_000, signal);
	}

	/** Grows a qcow2 no guest has open (a running guest's disk grows through virsh blockresize). */
	async resize(path: string, sizeBytes: number, signal?: AbortSignal): Promise<void> {
		await this.exec(["resize", "-q", "-f", "qcow2", path, String(sizeBytes)], 60_000, signal);
	}

	/**
	 * Copies `from` (any chain, flattened) into a standalone qcow2 at `to`. `-U` reads without taking
	 * the image lock, so a running guest's disk can be copied (crash-consistent, like a disk snapshot).
	 * The source format is always given, never probed: a raw disk a guest wrote a qcow2 header into
	 * must not be opened as a qcow2 (its backing name could read a host file).
	 */
	async copyToQcow2(
		from: { path: string; format: "qcow2" | "raw" },
		to: string,
		timeoutMs: number,
		signal?: AbortSignal,
	): Promise<void> {
		await this.exec(["convert", "-U", "-f", from.format, "-O", "qcow2", from.path, to], timeoutMs, signal);
	}

	private async exec(args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
		try {
			return await this.run(args, { timeoutMs, ...(signal ? { signal } : {}) });
		} catch (error) {
			if (error instanceof ExecError && error.kind === "failed") {
				throw new Error(`qemu-img ${args[0]} failed: ${error.message.replace(/^qemu-img: /, "")}`);
			}
			throw error;
		}
	}
}

/** Reads qemu-img's JSON; throws when it is not what qemu-img writes. */
export function parseInfo(text: string): ImageInfo {
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		throw new Error("qemu-img info did not print JSON");
	}
	const format = json.format;
	const virtualSize = json["virtual-size"];
	if (typeof format !== "string" || typeof virtualSize !== "number") {
		throw new Error("qemu-img info printed no format or virtual-size");
	}
	const info: ImageInfo = { format, virtualSize };
	if (typeof json["actual-size"] === "number") info.actualSize = json["actual-size"];
	const backing = json["backing-filename"] ?? json["full-backing-filename"];
	if (typeof backing === "string" && backing !== "") info.backingFilename = backing;
	const specific = json["format-specific"] as { data?: { "data-file"?: unknown } } | undefined;
	const dataFile = specific?.data?.["data-file"];
	if (typeof dataFile === "string" && dataFile !== "") info.dataFile = dataFile;
	return info;
}
