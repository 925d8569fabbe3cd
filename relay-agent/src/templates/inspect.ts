/**
 * @module Is the file what it was registered as? A qcow2 whose header names a backing file or an
 * external data file is refused before qemu-img opens it (such images read host files: CVE-2024-45219
 * and friends); then `qemu-img info` probes the format (never told it) and gives the sizes. An ISO
 * must carry the ISO 9660 mark "CD001" at byte 32769.
 */
import type { ImageFormat } from "@flarestack/protocol";
import type { Store } from "../storage/store.ts";
import { DownloadError } from "./errors.ts";
import type { QemuImg } from "./qemu-img.ts";

export interface Inspected {
	sizeBytes: number;
	physicalBytes: number;
}

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
const EXT_DATA_FILE = 0x44415441; // "DATA": the external data file's name
const INCOMPAT_DATA_FILE = 1n << 2n;
const ISO_MARK_OFFSET = 32769;

/** Checks `path` in `store` against `format`; answers its sizes or throws a DownloadError. */
export async function inspectImage(
	store: Store,
	path: string,
	format: ImageFormat,
	qemuImg: QemuImg,
	signal?: AbortSignal,
): Promise<Inspected> {
	const entry = await store.stat(path);
	if (entry?.type !== "file") throw new DownloadError(`the image is missing from ${store.label}/${path}`);
	if (format === "ISO") {
		const mark = await store.read(path, ISO_MARK_OFFSET, 5);
		if (mark.toString("latin1") !== "CD001") {
			throw new DownloadError("the file is not an ISO image: no ISO 9660 mark (CD001) at byte 32769");
		}
		return { sizeBytes: entry.size, physicalBytes: entry.size };
	}
	const header = await store.read(path, 0, 64 * 1024);
	const refused = qcow2Refusal(header);
	if (refused) throw new DownloadError(refused);
	const info = await qemuImg.info(store.qemuPath(path), signal);
	if (info.backingFilename) {
		throw new DownloadError(`a qcow2 with a backing file is refused: it names ${info.backingFilename}`);
	}
	if (info.dataFile)
		throw new DownloadError(`a qcow2 with an external data file is refused: it names ${info.dataFile}`);
	const expected = format === "QCOW2" ? "qcow2" : "raw";
	if (info.format !== expected) throw new DownloadError(`the file is ${info.format}, not ${format} as registered`);
	return { sizeBytes: info.virtualSize, physicalBytes: info.actualSize ?? entry.size };
}

/** A qcow2 header's virtual size and backing file name; null when it is not a qcow2. */
export function qcow2Facts(header: Buffer): { virtualSize: number; backing?: string } | null {
	if (header.length < 32 || header.readUInt32BE(0) !== QCOW2_MAGIC) return null;
	const virtualSize = Number(header.readBigUInt64BE(24));
	const offset = Number(header.readBigUInt64BE(8));
	const length = header.readUInt32BE(16);
	if (offset === 0 || offset + length > header.length) return { virtualSize };
	return { virtualSize, backing: header.toString("utf8", offset, offset + length) };
}

/** Why a qcow2 header is refused (a backing file, an external data file), or undefined. */
export function qcow2Refusal(header: Buffer): string | undefined {
	if (header.length < 72 || header.readUInt32BE(0) !== QCOW2_MAGIC) return undefined;
	const version = header.readUInt32BE(4);
	const backingOffset = header.readBigUInt64BE(8);
	const backingSize = header.readUInt32BE(16);
	if (backingOffset !== 0n) {
		const start = Number(backingOffset);
		const name = start + backingSize <= header.length ? header.toString("utf8", start, start + backingSize) : "";
		return `a qcow2 with a backing file is refused: it names ${name || "one"}`;
	}
	if (version < 3 || header.length < 104) return undefined;
	if ((header.readBigUInt64BE(72) & INCOMPAT_DATA_FILE) === 0n) return undefined;
	return `a qcow2 with an external data file is refused: it names ${dataFileName(header) || "one"}`;
}

/** The DATA header extension's text (extensions follow the v3 header, 8-byte aligned). */
function dataFileName(header: Buffer): string {
	let at = header.readUInt32BE(100);
	for (let i = 0; i < 64 && at + 8 <= header.length; i++) {
		const type = header.readUInt32BE(at);
		const length = header.readUInt32BE(at + 4);
		if (type === 0) return "";
		if (type === EXT_DATA_FILE) return header.toString("utf8", at + 8, Math.min(header.length, at + 8 + length));
		at += 8 + Math.ceil(length / 8) * 8;
	}
	return "";
}
