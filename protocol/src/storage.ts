/**
 * @module Storage as the agent reaches it: NFS exports (secondary storage, NetworkFilesystem pools)
 * and directories the agent sees itself (SharedMountPoint and Filesystem pools). Paths inside a
 * store are relative, `/`-separated, with no `..`, so a command can never leave its store.
 */
import { z } from "zod";
import { count, text } from "./common.ts";

/** An absolute path with no `..` segment and no control characters. */
export const absolutePath = z
	.string()
	.max(1024)
	.regex(/^\/[^\p{Cc}]*$/u, "not an absolute path")
	.refine((p) => !p.split("/").includes(".."), "a path must not contain ..");

/** A path inside a store: relative, no `..`, no empty or `.` segments. */
export const storePath = z
	.string()
	.min(1)
	.max(1024)
	.regex(/^[^/\p{Cc}][^\p{Cc}]*$/u, "not a relative path")
	.refine((p) => p.split("/").every((s) => s !== "" && s !== "." && s !== ".."), "a bad path segment");

/** Where a store is: `nfs` = an NFS export `server:path`; `local` = a directory the agent sees. */
export const StoreLocation = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("nfs"), server: text(255), path: absolutePath }),
	z.object({ kind: z.literal("local"), path: absolutePath }),
]);
export type StoreLocation = z.infer<typeof StoreLocation>;

/** A store's size as its filesystem reports it (NFS FSSTAT, statfs). */
export const StoreUsage = z.object({ capacityBytes: count, usedBytes: count });
export type StoreUsage = z.infer<typeof StoreUsage>;

/** The image formats the agent downloads and checks. */
export const ImageFormat = z.enum(["QCOW2", "RAW", "ISO"]);
export type ImageFormat = z.infer<typeof ImageFormat>;

/** A checksum as CloudStack takes it, parsed by the Worker: `{SHA-256}ab12…` → sha256 + hex. */
export const Checksum = z.object({
	algorithm: z.enum(["md5", "sha1", "sha256", "sha512"]),
	hex: z.string().regex(/^[0-9a-f]+$/),
});
export type Checksum = z.infer<typeof Checksum>;

/** The rules a template download obeys (global settings, read by the Worker). */
export const DownloadLimits = z.object({
	/** Refuse (and stop) a download larger than this. */
	maxBytes: count,
	/** Redirects followed at most; each target is checked like the first URL. */
	maxRedirects: z.int().min(0).max(20),
	/** No byte for this long: the attempt is dropped and resumed (Range) or retried from the start. */
	stallTimeoutMs: z.int().positive(),
	/** Attempts in all (the first one included) before the download fails. */
	attempts: z.int().min(1).max(10),
	/** CIDRs (IPv4 or IPv6) the URL's host, once resolved, must not be in. */
	deniedRanges: z.array(z.string().max(64)).max(256),
});
export type DownloadLimits = z.infer<typeof DownloadLimits>;

/** A file in a store after it was written: its virtual size and what it takes on disk. */
export const StoredImage = z.object({
	path: storePath,
	format: ImageFormat,
	/** The disk size the guest sees (qemu-img's virtual-size; the file size for an ISO). */
	sizeBytes: count,
	/** The bytes the file takes in the store. */
	physicalBytes: count,
});
export type StoredImage = z.infer<typeof StoredImage>;
