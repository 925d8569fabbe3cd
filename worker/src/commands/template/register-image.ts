/**
 * @module registerTemplate and registerIso: check everything that can be checked without the site
 * (URL, checksum, format, zones, owner), store the image and its event, then let the zones'
 * relay agents download it (templates/downloads.ts). Answered as a list, one item per zone.
 */
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { templates } from "../../db/schema";
import { type Caller, isRootAdmin } from "../../domain/access";
import { parseChecksum } from "../../domain/checksum";
import { newUuid } from "../../lib/ids";
import { startTemplateDownloads } from "../../templates";
import type { MapEntries } from "../param-spec";
import { resourceOwner } from "../resource-owner";
import type { CommandResult, Deps } from "../types";
import { archOf, detailsJson, type ImageKind, imageListResult, osTypeOf, registrationZones } from "./image-rules";
import { checkImageUrl } from "./template-url";

type Flag = boolean | undefined;

export interface RegisterInput {
	name: string;
	displaytext?: string | undefined;
	url: string;
	format: "QCOW2" | "RAW" | "ISO";
	hypervisor: "KVM" | null;
	ostypeid?: string | undefined;
	checksum?: string | undefined;
	zoneid?: string | undefined;
	zoneids?: string[] | undefined;
	ispublic?: Flag;
	isfeatured?: Flag;
	isextractable?: Flag;
	passwordenabled?: Flag;
	sshkeyenabled?: Flag;
	isdynamicallyscalable?: Flag;
	requireshvm?: Flag;
	bootable?: Flag;
	directdownload?: Flag;
	bits?: number | undefined;
	arch?: string | undefined;
	templatetag?: string | undefined;
	templatetype?: string | undefined;
	details?: MapEntries | undefined;
	account?: string | undefined;
	domainid?: string | undefined;
	projectid?: string | undefined;
}

function checksumText(raw: string | undefined): string | null {
	if (raw === undefined || raw.trim() === "") return null;
	const parsed = parseChecksum(raw);
	if (!parsed.ok) throw new CsError(ERROR.paramError, parsed.text);
	return raw.trim();
}

/** USER for everyone; admins may name SYSTEM or BUILTIN as CloudStack's admin variant allows. */
function templateType(caller: Caller, raw: string | undefined): string {
	const value = raw?.trim().toUpperCase() || "USER";
	if (value === "USER") return value;
	if (!isRootAdmin(caller)) throw new CsError(ERROR.paramError, "Only root admins may set templatetype");
	if (value !== "SYSTEM" && value !== "BUILTIN") {
		throw new CsError(ERROR.paramError, `Invalid templatetype ${raw}: use USER, SYSTEM or BUILTIN`);
	}
	return value;
}

export async function registerImage(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	input: RegisterInput,
): Promise<CommandResult> {
	const name = input.name.trim();
	if (name === "") throw new CsError(ERROR.paramError, `Please specify a name for the ${kind.noun}`);
	if (input.directdownload) {
		throw new CsError(
			ERROR.paramError,
			"directdownload is not supported: the relay agent downloads into secondary storage",
		);
	}
	if (input.bits !== undefined && input.bits !== 32 && input.bits !== 64) {
		throw new CsError(ERROR.paramError, "bits must be 32 or 64");
	}
	const url = checkImageUrl(input.url, deps.settings);
	const checksum = checksumText(input.checksum);
	const osTypeId = osTypeOf(input.ostypeid);
	const arch = archOf(input.arch);
	const type = templateType(caller, input.templatetype);
	if (input.templatetag !== undefined && !isRootAdmin(caller)) {
		throw new CsError(ERROR.paramError, "Only root admins may set templatetag");
	}
	if (input.projectid !== undefined) {
		throw new CsError(ERROR.paramError, "Projects are not supported by flarestack: leave out projectid");
	}
	const owner = await resourceOwner(deps.db, caller, input, "register images");
	const { zoneIds, crossZones } = await registrationZones(deps.db, input, kind.isIso);

	const now = deps.clock.now();
	const row: typeof templates.$inferInsert = {
		id: newUuid(),
		name,
		displayText: input.displaytext?.trim() ? input.displaytext : name,
		isIso: kind.isIso,
		format: input.format,
		hypervisor: input.hypervisor,
		osTypeId,
		templateType: type,
		accountId: owner.id,
		domainId: owner.domainId,
		url,
		checksum,
		isPublic: input.ispublic ?? false,
		// CloudStack quietly drops isfeatured for callers that are not root admins.
		isFeatured: isRootAdmin(caller) ? (input.isfeatured ?? false) : false,
		isExtractable: input.isextractable ?? false,
		passwordEnabled: input.passwordenabled ?? false,
		sshKeyEnabled: input.sshkeyenabled ?? false,
		isDynamicallyScalable: input.isdynamicallyscalable ?? false,
		requiresHvm: input.requireshvm ?? true,
		bootable: kind.isIso ? (input.bootable ?? true) : true,
		bits: input.bits ?? 64,
		arch,
		templateTag: input.templatetag?.trim() || null,
		crossZones,
		details: detailsJson(input.details),
		sortKey: 0,
		created: now,
		removed: null,
	};
	await deps.db.batch([
		deps.db.insert(templates).values(row),
		eventInsert(deps.db, now, caller, {
			type: kind.isIso ? "ISO.CREATE" : "TEMPLATE.CREATE",
			description: `Successfully registered ${kind.noun.toLowerCase()} ${name}`,
			resourceType: kind.tagType,
			resourceId: row.id,
			resourceName: name,
			owner: { accountId: owner.id, domainId: owner.domainId },
		}),
	]);
	await startTemplateDownloads(deps, row.id as string, zoneIds);
	return imageListResult(deps.db, kind, row.id as string);
}
