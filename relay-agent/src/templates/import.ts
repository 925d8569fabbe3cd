/**
 * @module `flarestack-relay template import FILE`: seeds a template from a local file, for sites
 * without an HTTP server (what CloudStack's cloud-install-sys-tmplt was for). The control plane
 * registers it and says where it goes (`POST /relay/v1/template-import`, the relay's own JWT as for
 * connect); the file is written there exactly like a download (`.part`, hashing, the same image
 * checks, rename), then the outcome is reported (`POST /relay/v1/template-import/<id>`), failures too,
 * so the template never stays "Downloading".
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { ImageFormat, StoreLocation, storePath } from "@flarestack/protocol";
import { z } from "zod";
import type { AgentConfig } from "../config.ts";
import { loadKey, signConnectJwt } from "../identity.ts";
import { errorText, type Logger } from "../log.ts";
import type { Store } from "../storage/store.ts";
import { type CheckedImage, finishImage } from "./finish.ts";
import { PartFile } from "./part-file.ts";
import { QemuImg } from "./qemu-img.ts";
import { type StoreSource, withStore } from "./stores.ts";

export interface ImportOptions {
	config: AgentConfig;
	file: string;
	name: string;
	/** Guessed from the file's first bytes when not given. */
	format?: ImageFormat;
	osTypeId?: string;
	displayText?: string;
	openStore: StoreSource;
	log: Logger;
	qemuImg?: QemuImg;
}

const Registered = z.object({ templateId: z.uuid(), store: StoreLocation, path: storePath });

/** Registers, writes and reports the template; resolves with its id and image, or throws why not. */
export async function importTemplate(options: ImportOptions): Promise<{ templateId: string; image: CheckedImage }> {
	const { config, file, log } = options;
	const entry = await stat(file).catch(() => null);
	if (!entry?.isFile()) throw new Error(`${file} is not a file`);
	const format = options.format ?? (await guessFormat(file));
	const { key } = await loadKey(config.keyFile);
	const post = async (path: string, body: unknown): Promise<unknown> => {
		const response = await fetch(`${config.url}${path}`, {
			method: "POST",
			headers: {
				Authorization: `Bearer ${await signConnectJwt(key, config.relayId, config.zoneId)}`,
				"Content-Type": "application/json",
			},
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		if (!response.ok) {
			const error = (json as { error?: unknown } | undefined)?.error;
			throw new Error(
				`the control plane refused: HTTP ${response.status} ${typeof error === "string" ? error : text.slice(0, 200)}`,
			);
		}
		return json;
	};

	const registered = Registered.safeParse(
		await post("/relay/v1/template-import", {
			name: options.name,
			format,
			...(options.displayText ? { displayText: options.displayText } : {}),
			...(options.osTypeId ? { osTypeId: options.osTypeId } : {}),
		}),
	);
	if (!registered.success) throw new Error("the control plane answered the import with something unexpected");
	const { templateId, store, path } = registered.data;
	log.info("registered, writing the file", { templateId, format, path, bytes: entry.size });
	let image: CheckedImage;
	try {
		image = await withStore(options.openStore, store, (opened) =>
			writeImage(opened, path, file, format, options.qemuImg ?? new QemuImg(), log),
		);
	} catch (error) {
		const text = errorText(error) || "the import failed";
		await post(`/relay/v1/template-import/${templateId}`, { ok: false, error: text.slice(0, 2048) }).catch(
			(reportError: unknown) => log.warn("could not report the failure", { error: errorText(reportError) }),
		);
		throw error;
	}
	await post(`/relay/v1/template-import/${templateId}`, { ok: true, image });
	return { templateId, image };
}

async function writeImage(
	store: Store,
	path: string,
	file: string,
	format: ImageFormat,
	qemuImg: QemuImg,
	log: Logger,
): Promise<CheckedImage> {
	const part = new PartFile(store, path);
	try {
		await part.open();
		let shown = Date.now();
		for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
			await part.write(chunk);
			if (Date.now() - shown > 5000) {
				shown = Date.now();
				log.info("writing", { bytes: part.bytes });
			}
		}
		await part.end();
		return await finishImage(part, format, undefined, qemuImg);
	} catch (error) {
		await part.discard();
		throw error;
	}
}

/** QCOW2 by its magic, ISO by its ISO 9660 mark, RAW otherwise. */
export async function guessFormat(file: string): Promise<ImageFormat> {
	const handle = await open(file, "r");
	try {
		const head = Buffer.alloc(32774);
		const { bytesRead } = await handle.read(head, 0, head.length, 0);
		if (bytesRead >= 4 && head.readUInt32BE(0) === 0x514649fb) return "QCOW2";
		if (bytesRead >= 32774 && head.toString("latin1", 32769, 32774) === "CD001") return "ISO";
		return "RAW";
	} finally {
		await handle.close();
	}
}

export const FORMATS = ImageFormat.options;
