/**
 * @module extractTemplate and extractIso (HTTP_DOWNLOAD): a time-limited download link to the
 * image's copy on a zone's secondary storage. The link is signed by the Worker and served by it
 * (relay/extract.ts), with the bytes streamed by the zone's relay agent when it is fetched.
 */
import { and, eq } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { csDate } from "../../api/serializers/format";
import { eventInsert } from "../../db/events";
import { canManageImage, requireImage } from "../../db/repos/templates";
import { templateStores, zones } from "../../db/schema";
import { type Caller, isRootAdmin } from "../../domain/access";
import { newUuid } from "../../lib/ids";
import { p } from "../param-spec";
import type { Deps, FieldTable, RequestInfo } from "../types";
import type { ImageKind } from "./image-rules";

export const extractParams = {
	id: p.uuid("the ID of the template or ISO", { required: true }),
	mode: p.string("the mode of extraction: HTTP_DOWNLOAD (FTP_UPLOAD is not offered)", { required: true }),
	zoneid: p.uuid("the ID of the zone to extract from (the first zone holding it when absent)", {
		related: "listZones",
	}),
	url: p.string("the URL to upload to with FTP_UPLOAD (not offered)", { length: 2048 }),
};

export const EXTRACT_FIELDS: FieldTable = {
	id: ["string", "the id of the extracted object"],
	name: ["string", "the name of the extracted object"],
	extractId: ["string", "the upload id of the extracted object"],
	accountid: ["string", "the account id to which the extracted object belongs"],
	state: ["string", "the state of the extracted object"],
	status: ["string", "the status of the extraction"],
	storagetype: ["string", "type of the storage"],
	uploadpercentage: ["integer", "the percentage of the entity uploaded to the specified location"],
	url: ["string", "the download link (valid for extract.url.expiration.interval seconds)"],
	zoneid: ["string", "zone ID the object was extracted from"],
	zonename: ["string", "zone name the object was extracted from"],
	extractMode: ["string", "the mode of extraction - upload or download"],
	created: ["date", "the time and date the object was created"],
	resultstring: ["string", ""],
};

const EXTENSIONS: Record<string, string> = { QCOW2: "qcow2", RAW: "raw", ISO: "iso" };

export async function extractImage(
	kind: ImageKind,
	{ deps, caller, request }: { deps: Deps; caller: Caller; request: RequestInfo },
	params: { id: string; mode: string; zoneid?: string | undefined; url?: string | undefined },
) {
	const mode = params.mode.trim().toUpperCase();
	if (mode === "FTP_UPLOAD") {
		throw new CsError(ERROR.paramError, "FTP_UPLOAD is not supported by flarestack: use mode=HTTP_DOWNLOAD");
	}
	if (mode !== "HTTP_DOWNLOAD") {
		throw new CsError(ERROR.paramError, `Please specify a valid extract Mode: HTTP_DOWNLOAD (not ${params.mode})`);
	}
	const found = await requireImage(deps.db, params.id, kind.isIso);
	if (!canManageImage(caller, found)) {
		throw permissionDenied(`The caller does not have permission to extract ${kind.noun} ${params.id}`);
	}
	const { template } = found;
	if (!template.isExtractable && !isRootAdmin(caller)) {
		throw new CsError(
			ERROR.paramError,
			`The ${kind.noun.toLowerCase()} ${template.name} is not allowed to be extracted`,
		);
	}
	const ready = and(eq(templateStores.templateId, template.id), eq(templateStores.state, "Ready"));
	const copy = await deps.db
		.select({ zoneId: templateStores.zoneId, zoneName: zones.name })
		.from(templateStores)
		.innerJoin(zones, eq(zones.id, templateStores.zoneId))
		.where(params.zoneid ? and(ready, eq(templateStores.zoneId, params.zoneid)) : ready)
		.orderBy(zones.name)
		.get();
	if (!copy) {
		throw new CsError(
			ERROR.paramError,
			`The ${kind.noun.toLowerCase()} ${template.name} is not ready ${params.zoneid ? `in zone ${params.zoneid}` : "in any zone"}: it can be extracted once its download is complete`,
		);
	}
	const now = deps.clock.now();
	const expiresAt = now + deps.settings.int("extract.url.expiration.interval") * 1000;
	const token = await deps.signExtractLink({ templateId: template.id, zoneId: copy.zoneId }, expiresAt);
	const file = `${encodeURIComponent(template.name.replace(/[^\w.-]+/g, "_"))}.${EXTENSIONS[template.format] ?? "img"}`;
	await eventInsert(deps.db, now, caller, {
		type: kind.isIso ? "ISO.EXTRACT" : "TEMPLATE.EXTRACT",
		description: `Extracted ${kind.noun.toLowerCase()} ${template.name} from zone ${copy.zoneName}`,
		resourceType: kind.tagType,
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	});
	return {
		type: "object" as const,
		name: kind.item,
		value: {
			id: template.id,
			name: template.name,
			extractId: newUuid(),
			accountid: template.accountId,
			state: "DOWNLOAD_URL_CREATED",
			status: "DOWNLOAD_URL_CREATED",
			storagetype: "SecondaryStorage",
			uploadpercentage: 100,
			url: `${request.origin}/client/extract/${token}/${file}`,
			zoneid: copy.zoneId,
			zonename: copy.zoneName,
			extractMode: mode,
			created: csDate(now),
		},
	};
}
