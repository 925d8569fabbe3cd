/**
 * @module template.download: the URL streamed into `path.part` in the store, hashed while it is
 * written, within the limits (size, redirects, stall, attempts, denied ranges). A dropped attempt
 * resumes with `Range` when the server offered `Accept-Ranges: bytes` (the write stream stays open,
 * so the file simply goes on), else starts again from byte 0. Then checksum, image check, rename.
 * Any failure, the deadline included, removes `.part` and `path`.
 */
import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Checksum, DownloadLimits, ImageFormat } from "@flarestack/protocol";
import type { Logger } from "../log.ts";
import { type Store, StoreError } from "../storage/store.ts";
import { type Cidr, parseCidr } from "./cidr.ts";
import { DownloadError } from "./errors.ts";
import { type CheckedImage, finishImage } from "./finish.ts";
import { networkError, openGet, shownUrl } from "./http-get.ts";
import { PartFile } from "./part-file.ts";
import type { QemuImg } from "./qemu-img.ts";

export interface DownloadRequest {
	url: string;
	format: ImageFormat;
	checksum?: Checksum | undefined;
	path: string;
	limits: DownloadLimits;
}

export interface DownloadOptions {
	signal: AbortSignal;
	progress: (percent: number, text: string) => void;
	qemuImg: QemuImg;
	log?: Logger;
	/** The pause before attempt n+1 (default 1 s, 2 s, 4 s… up to 10 s). */
	retryDelayMs?: (attempt: number) => number;
	/** How often progress is sent and the stall is checked. */
	tickMs?: number;
}

/** Downloads into `store` and checks the image; on any failure nothing is left at `path(.part)`. */
export async function downloadTemplate(
	store: Store,
	request: DownloadRequest,
	options: DownloadOptions,
): Promise<CheckedImage> {
	const denied = parseRanges(request.limits.deniedRanges);
	const part = new PartFile(store, request.path, request.checksum?.algorithm);
	try {
		await fetchInto(part, request, denied, options);
		return await finishImage(part, request.format, request.checksum, options.qemuImg, options.signal);
	} catch (error) {
		await part.discard();
		throw options.signal.aborted && !(error instanceof DownloadError) ? (options.signal.reason ?? error) : error;
	}
}

/** The denied ranges; a bad one fails the download (the Worker checks the setting, so this is a bug). */
export function parseRanges(ranges: readonly string[]): Cidr[] {
	return ranges.map((text) => {
		const range = parseCidr(text);
		if (!range) throw new DownloadError(`a bad range in template.download.denied.cidrs: ${text.slice(0, 64)}`);
		return range;
	});
}

/** The body of `request.url` into `part` (ended), resuming or restarting dropped attempts. */
export async function fetchInto(
	part: PartFile,
	request: DownloadRequest,
	denied: readonly Cidr[],
	options: DownloadOptions,
): Promise<void> {
	const { limits } = request;
	const { signal } = options;
	let resumable = false;
	let validator: string | undefined;
	let total: number | undefined;
	await part.open();
	for (let attempt = 1; ; attempt++) {
		signal.throwIfAborted();
		if (part.bytes > 0 && !resumable) await part.open();
		const offset = part.bytes;
		const headers: Record<string, string> =
			offset > 0 ? { Range: `bytes=${offset}-`, ...(validator ? { "If-Range": validator } : {}) } : {};
		try {
			const { response, url } = await openGet(request.url, {
				denied,
				maxRedirects: limits.maxRedirects,
				headersTimeoutMs: limits.stallTimeoutMs,
				signal,
				headers,
			});
			const status = response.statusCode ?? 0;
			if (offset > 0 && status === 200) {
				options.log?.info("the server sent the whole file again, restarting the hash", { offset });
				await part.open();
			} else if (offset > 0 && status === 206) {
				const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(response.headers["content-range"] ?? ""));
				if (Number(range?.[1]) !== offset) {
					response.destroy();
					resumable = false;
					throw new DownloadError(`a bad Content-Range from ${shownUrl(url)} when resuming at ${offset}`, true);
				}
			} else if (offset > 0 && status === 416) {
				// The server ended early and will not go on: its Content-Length promised more.
				response.destroy();
				throw new DownloadError(
					`${shownUrl(url)} sent ${offset} of the ${total ?? "?"} bytes its Content-Length announced, then refused to resume (HTTP 416)`,
				);
			} else if (status !== 200) {
				response.destroy();
				throw httpError(status, response.statusMessage, url);
			}
			if (part.bytes === 0) {
				resumable = response.headers["accept-ranges"] === "bytes";
				validator = strongValidator(response);
				total = lengthOf(response);
				if (total !== undefined) await checkRoom(part.store, total, limits.maxBytes);
			}
			await readBody(response, part, total, limits, options);
			if (total !== undefined && part.bytes !== total) {
				throw new DownloadError(
					`the connection closed after ${part.bytes} of ${total} bytes of ${shownUrl(url)}`,
					true,
				);
			}
			await part.end();
			return;
		} catch (caught) {
			const error =
				caught instanceof DownloadError || caught instanceof StoreError ? caught : asNetwork(caught, request);
			if (signal.aborted) throw signal.reason ?? error;
			if (!(error instanceof DownloadError && error.retry)) throw error;
			if (attempt >= limits.attempts) {
				throw new DownloadError(
					limits.attempts > 1 ? `${error.message} (gave up after ${limits.attempts} attempts)` : error.message,
				);
			}
			options.log?.warn("download attempt failed, trying again", { attempt, error: error.message, at: part.bytes });
			const delay = options.retryDelayMs?.(attempt) ?? Math.min(1000 * 2 ** (attempt - 1), 10_000);
			await sleep(delay, undefined, { signal });
		}
	}
}

function asNetwork(error: unknown, request: DownloadRequest): Error {
	return networkError(error, new URL(request.url));
}

/** Copies the body into `part`: stall check, byte limit and progress on one timer. */
async function readBody(
	response: IncomingMessage,
	part: PartFile,
	total: number | undefined,
	limits: DownloadLimits,
	options: DownloadOptions,
): Promise<void> {
	let lastData = Date.now();
	let writing = false;
	let sentAt = 0;
	let sentBytes = -1;
	const tick = setInterval(
		() => {
			const now = Date.now();
			if (!writing && now - lastData > limits.stallTimeoutMs) {
				response.destroy(new DownloadError(`no data for ${duration(limits.stallTimeoutMs)}`, true));
				return;
			}
			if (now - sentAt >= 1000 && part.bytes !== sentBytes) {
				sentAt = now;
				sentBytes = part.bytes;
				const percent = total ? Math.min(99, Math.floor((part.bytes * 100) / total)) : 0;
				options.progress(
					percent,
					total ? `${percent}% Downloaded` : `${(part.bytes / 2 ** 20).toFixed(0)} MiB Downloaded`,
				);
			}
		},
		Math.min(options.tickMs ?? 250, limits.stallTimeoutMs),
	);
	try {
		for await (const chunk of response as AsyncIterable<Buffer>) {
			lastData = Date.now();
			if (part.bytes + chunk.length > limits.maxBytes) {
				response.destroy();
				throw new DownloadError(
					`the image is larger than the limit of ${sized(limits.maxBytes)} (max.template.iso.size)`,
				);
			}
			writing = true;
			await part.write(chunk);
			writing = false;
			lastData = Date.now();
		}
	} finally {
		clearInterval(tick);
	}
}

/** Refuses at once what cannot fit: over the size limit, or more than the store has free. */
async function checkRoom(store: Store, bytes: number, maxBytes: number): Promise<void> {
	if (bytes > maxBytes) {
		throw new DownloadError(
			`the image is ${sized(bytes)}, more than the limit of ${sized(maxBytes)} (max.template.iso.size)`,
		);
	}
	const { capacityBytes, usedBytes } = await store.usage();
	const free = Math.max(0, capacityBytes - usedBytes);
	if (bytes > free) {
		throw new StoreError(
			"no_space",
			`secondary storage ${store.label} is full: ${free} bytes free, the image is ${bytes} bytes`,
		);
	}
}

function httpError(status: number, message: string | undefined, url: URL): DownloadError {
	const text = message || STATUS_CODES[status] || "";
	// 5xx, 408 and 429 may pass; any other answer will be the same next time.
	const retry = status >= 500 || status === 408 || status === 429;
	return new DownloadError(`HTTP ${status} ${text} from ${shownUrl(url)}`.replace("  ", " "), retry);
}

function lengthOf(response: IncomingMessage): number | undefined {
	const header = response.headers["content-length"];
	return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** A validator for If-Range: a strong ETag or Last-Modified (a weak ETag is not allowed there). */
function strongValidator(response: IncomingMessage): string | undefined {
	const etag = response.headers.etag;
	if (etag && !etag.startsWith("W/")) return etag;
	return response.headers["last-modified"];
}

/** `53687091200 bytes (50 GiB)`. */
export function sized(bytes: number): string {
	const units = ["KiB", "MiB", "GiB", "TiB"];
	let value = bytes;
	let unit = "";
	for (const next of units) {
		if (value < 1024) break;
		value /= 1024;
		unit = next;
	}
	return unit ? `${bytes} bytes (${Number(value.toFixed(1))} ${unit})` : `${bytes} bytes`;
}

function duration(ms: number): string {
	return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
