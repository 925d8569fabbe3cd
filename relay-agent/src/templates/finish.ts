/**
 * @module The end of every template write (a download or `template import`): the checksum, the
 * image check, then `.part` → the real name. Only a file that passed everything ever carries the
 * real name, so a reader never sees a half-written or unchecked template.
 */
import type { Checksum, ImageFormat, StoredImage } from "@flarestack/protocol";
import { DownloadError } from "./errors.ts";
import { inspectImage } from "./inspect.ts";
import { checksumProblem, type PartFile } from "./part-file.ts";
import type { QemuImg } from "./qemu-img.ts";

export type CheckedImage = StoredImage & { sha256: string };

/** Checks the written (ended) `part` and renames it; throws a DownloadError when it does not pass. */
export async function finishImage(
	part: PartFile,
	format: ImageFormat,
	checksum: Checksum | undefined,
	qemuImg: QemuImg,
	signal?: AbortSignal,
): Promise<CheckedImage> {
	const digests = part.digests();
	const mismatch = checksumProblem(checksum, digests);
	if (mismatch) throw new DownloadError(mismatch);
	if (part.bytes === 0) throw new DownloadError("the file is empty");
	const { sizeBytes, physicalBytes } = await inspectImage(part.store, part.partPath, format, qemuImg, signal);
	signal?.throwIfAborted();
	await part.store.rename(part.partPath, part.path);
	return { path: part.path, format, sizeBytes, physicalBytes, sha256: digests.sha256 };
}
