/**
 * @module Starting template downloads into a zone's secondary storage: one template_stores row per
 * template and zone; the relay runs `template.download` in the background (RelayLink.start) and the
 * ZoneRelay applies its progress and outcome (relay/background.ts). With no relay connected, or no
 * image store in the zone yet, the row stays Allocated: the DO starts it on the agent's next hello,
 * and addImageStore starts the zone's Allocated rows.
 */
import type { CommandArgs, DownloadLimits } from "@flarestack/protocol";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { imageStores, templateStores, templates } from "../db/schema";
import { parseChecksum } from "../domain/checksum";
import type { Settings } from "../domain/settings";
import { logWarn } from "../lib/log";
import type { TemplateDeps } from "./deps";
import { secondaryPath, storeLocationOfImageStore } from "./locations";

type TemplateRow = typeof templates.$inferSelect;
type ImageStoreRow = typeof imageStores.$inferSelect;

/** The protocol's bounds on DownloadLimits (see protocol/src/storage.ts). */
const MAX_REDIRECTS = 20;
const MAX_ATTEMPTS = 10;
const MAX_DENIED_RANGES = 256;

/** The download rules from the global settings. */
export function downloadLimits(settings: Settings): DownloadLimits {
	const deniedRanges = settings
		.get("template.download.denied.cidrs")
		.split(",")
		.map((cidr) => cidr.trim())
		.filter((cidr) => cidr !== "" && cidr.length <= 64)
		.slice(0, MAX_DENIED_RANGES);
	return {
		maxBytes: Math.floor(settings.decimal("max.template.iso.size") * 1024 ** 3),
		maxRedirects: Math.min(Math.max(settings.int("template.download.max.redirects"), 0), MAX_REDIRECTS),
		stallTimeoutMs: Math.max(settings.int("template.download.stall.timeout"), 1) * 1000,
		attempts: Math.min(Math.max(settings.int("template.download.attempts"), 1), MAX_ATTEMPTS),
		deniedRanges,
	};
}

/** How long the whole download may take (template.download.timeout), in ms. */
export function downloadTimeoutMs(settings: Settings): number {
	return Math.max(settings.int("template.download.timeout"), 10) * 1000;
}

/** The zone's writable image store with the most free space (null when the zone has none). */
export async function pickImageStore(db: Db, zoneId: string): Promise<ImageStoreRow | null> {
	const row = await db
		.select()
		.from(imageStores)
		.where(and(eq(imageStores.zoneId, zoneId), eq(imageStores.readonly, false)))
		.orderBy(desc(sql`${imageStores.capacityBytes} - ${imageStores.usedBytes}`), imageStores.created)
		.limit(1)
		.get();
	return row ?? null;
}

/** The `template.download` arguments for a template into a store (null when it has no URL: an import). */
export function downloadArgs(
	template: TemplateRow,
	store: ImageStoreRow,
	settings: Settings,
): CommandArgs<"template.download"> | null {
	if (!template.url) return null;
	const checksum = template.checksum ? parseChecksum(template.checksum) : null;
	return {
		templateId: template.id,
		url: template.url,
		format: template.format as CommandArgs<"template.download">["format"],
		// Validated at registration; a value that no longer parses is left out rather than guessed.
		...(checksum?.ok ? { checksum: checksum.value } : {}),
		store: storeLocationOfImageStore(store),
		path: secondaryPath(template.accountId, template.id, template.format),
		limits: downloadLimits(settings),
	};
}

/**
 * Writes the zone's row (Allocated, path and store picked) and starts the download. The DO sets
 * the row Downloading with its command id and writes TEMPLATE.DOWNLOAD.START when it sends it.
 */
async function startInZone(deps: TemplateDeps, template: TemplateRow, zoneId: string): Promise<void> {
	const { db } = deps;
	const now = deps.clock.now();
	const store = await pickImageStore(db, zoneId);
	const path = secondaryPath(template.accountId, template.id, template.format);
	const reset = {
		imageStoreId: store?.id ?? null,
		state: "Allocated",
		percent: 0,
		errorText: null,
		path,
		sizeBytes: 0,
		physicalBytes: 0,
		commandId: null,
		updated: now,
	};
	await db
		.insert(templateStores)
		.values({ templateId: template.id, zoneId, created: now, ...reset })
		.onConflictDoUpdate({ target: [templateStores.templateId, templateStores.zoneId], set: reset });
	if (!store) return;
	const args = downloadArgs(template, store, deps.settings);
	if (!args) return;
	const started = await deps.relay.start(zoneId, "template.download", args, {
		timeoutMs: downloadTimeoutMs(deps.settings),
		context: { kind: "download", templateId: template.id, zoneId },
	});
	if (!started.ok && started.code !== "no_relay") {
		logWarn(`relay:${zoneId}`, "template download not started", { templateId: template.id, text: started.text });
	}
}

/**
 * For each zone: picks the image store with the most free space, (re)writes the template's row and
 * starts `template.download`; no relay or no image store → the row stays Allocated until the
 * agent's next hello or the zone's first addImageStore.
 */
export async function startTemplateDownloads(deps: TemplateDeps, templateId: string, zoneIds: string[]): Promise<void> {
	const template = await deps.db
		.select()
		.from(templates)
		.where(and(eq(templates.id, templateId), isNull(templates.removed)))
		.get();
	if (!template) return;
	for (const zoneId of zoneIds) await startInZone(deps, template, zoneId);
}

/** Starts every Allocated download of the zone (the agent's hello, a new image store). */
export async function startAllocatedDownloads(deps: TemplateDeps, zoneId: string): Promise<void> {
	const rows = await deps.db
		.select({ template: templates })
		.from(templateStores)
		.innerJoin(templates, eq(templates.id, templateStores.templateId))
		.where(and(eq(templateStores.zoneId, zoneId), eq(templateStores.state, "Allocated"), isNull(templates.removed)));
	for (const { template } of rows) {
		if (template.url) await startInZone(deps, template, zoneId);
	}
}
