/**
 * @module What templates and ISOs share: the two kinds (response item, event prefix, words in
 * texts) and the parameter rules of register and update (format, hypervisor, OS type, details,
 * zones).
 */
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { serializeTemplate } from "../../api/serializers/template";
import type { Db } from "../../db/client";
import { requireZone } from "../../db/repos/inventory";
import { tagsOf } from "../../db/repos/tags";
import { imageRows, type TemplateListRow } from "../../db/repos/templates";
import { zones } from "../../db/schema";
import { findOsType, OS_TYPES } from "../../domain/os-types";
import type { MapEntries } from "../param-spec";

export interface ImageKind {
	isIso: boolean;
	/** The response item name: `template` or `iso`. */
	item: "template" | "iso";
	/** Event type prefix: TEMPLATE or ISO. */
	event: "TEMPLATE" | "ISO";
	/** For texts: "Template" or "ISO". */
	noun: string;
	/** The tag resource type. */
	tagType: "Template" | "ISO";
}

export const TEMPLATE: ImageKind = {
	isIso: false,
	item: "template",
	event: "TEMPLATE",
	noun: "Template",
	tagType: "Template",
};
export const ISO: ImageKind = { isIso: true, item: "iso", event: "ISO", noun: "ISO", tagType: "ISO" };

const TEMPLATE_FORMATS = ["QCOW2", "RAW"] as const;

/** QCOW2 or RAW (any case); CloudStack's other formats belong to other hypervisors. */
export function templateFormat(raw: string): "QCOW2" | "RAW" {
	const value = raw.trim().toUpperCase();
	const known = TEMPLATE_FORMATS.find((f) => f === value);
	if (!known) {
		throw new CsError(
			ERROR.paramError,
			`Image format ${raw.trim()} is not supported by flarestack (KVM): use QCOW2 or RAW`,
		);
	}
	return known;
}

export function templateHypervisor(raw: string): "KVM" {
	if (raw.trim().toUpperCase() !== "KVM") {
		throw new CsError(ERROR.paramError, `Hypervisor ${raw.trim()} is not supported by flarestack: templates are KVM`);
	}
	return "KVM";
}

/** Used when a registration names no OS type (CloudStack's "Other" fallback). */
const DEFAULT_OS_TYPE = OS_TYPES.find((t) => t.description === "Other (64-bit)")?.id ?? "";

export function osTypeOf(raw: string | undefined): string {
	if (raw === undefined || raw.trim() === "") return DEFAULT_OS_TYPE;
	const found = findOsType(raw);
	if (!found) throw invalidParam("ostypeid", raw);
	return found.id;
}

const ARCHES = ["x86_64", "aarch64"];

export function archOf(raw: string | undefined): string {
	if (raw === undefined || raw.trim() === "") return "x86_64";
	const value = raw.trim().toLowerCase();
	if (!ARCHES.includes(value)) {
		throw new CsError(ERROR.paramError, `Unsupported arch ${raw}: use one of ${ARCHES.join(", ")}`);
	}
	return value;
}

/** `details[0].key=value` entries merged into one JSON object (null when there are none). */
export function detailsJson(entries: MapEntries | undefined): string | null {
	if (!entries || entries.length === 0) return null;
	const merged: Record<string, string> = {};
	for (const entry of entries) Object.assign(merged, entry);
	return Object.keys(merged).length > 0 ? JSON.stringify(merged) : null;
}

/**
 * The zones of a registration: `-1` (in zoneid or zoneids) is every zone (crossZones); otherwise
 * each zone must exist. At least one of zoneid/zoneids when `required`.
 */
export async function registrationZones(
	db: Db,
	params: { zoneid?: string | undefined; zoneids?: string[] | undefined },
	required: boolean,
): Promise<{ zoneIds: string[]; crossZones: boolean }> {
	const given = [...(params.zoneid?.trim() ? [params.zoneid.trim()] : []), ...(params.zoneids ?? [])];
	if (given.length === 0) {
		if (required) throw new CsError(ERROR.paramError, "Please specify zoneid, or -1 for every zone");
		return { zoneIds: [], crossZones: false };
	}
	if (given.includes("-1")) {
		if (given.length > 1)
			throw new CsError(ERROR.paramError, "zoneid -1 (every zone) cannot be combined with other zones");
		const rows = await db.select({ id: zones.id }).from(zones).orderBy(zones.created);
		return { zoneIds: rows.map((r) => r.id), crossZones: true };
	}
	const ids = [...new Set(given.map((z) => z.toLowerCase()))];
	for (const id of ids) await requireZone(db, id, params.zoneid?.trim().toLowerCase() === id ? "zoneid" : "zoneids");
	return { zoneIds: ids, crossZones: false };
}

/** Serialized rows with their tags. */
export async function imageItems(db: Db, kind: ImageKind, rows: TemplateListRow[]): Promise<Record<string, unknown>[]> {
	const tags = await tagsOf(db, kind.tagType, [...new Set(rows.map((r) => r.template.id))]);
	return rows.map((row) => serializeTemplate(row, tags(row.template.id)));
}

/** The image as a list answer (every zone copy, or the one zone): how register and prepare answer. */
export async function imageListResult(db: Db, kind: ImageKind, templateId: string, zoneId?: string) {
	const items = await imageItems(db, kind, await imageRows(db, templateId, zoneId));
	return { type: "list" as const, name: kind.item, items, count: items.length };
}

/** The image as one object (its first zone copy): how update and copy answer. */
export async function imageObjectResult(db: Db, kind: ImageKind, templateId: string, zoneId?: string) {
	const [item] = await imageItems(db, kind, await imageRows(db, templateId, zoneId));
	if (!item) throw new CsError(ERROR.internal, `${kind.noun} ${templateId} vanished`);
	return { type: "object" as const, name: kind.item, value: item };
}
