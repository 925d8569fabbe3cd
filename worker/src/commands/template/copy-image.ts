/**
 * @module copyTemplate and copyIso: each destination zone's relay agent downloads the image from
 * its URL, with the same checksum and checks as the first download (there is no store-to-store
 * path between sites). An imported image has no URL and cannot be copied this way.
 */
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { canManageImage, canSeeImage, imageStoreRows, requireImage } from "../../db/repos/templates";
import type { Caller } from "../../domain/access";
import { startTemplateDownloads } from "../../templates";
import { p } from "../param-spec";
import type { CommandResult, Deps } from "../types";
import { type ImageKind, imageObjectResult } from "./image-rules";

export const imageCopyParams = {
	id: p.uuid("the ID of the image", { required: true }),
	destzoneid: p.uuid("ID of the zone the image is being copied to", { related: "listZones" }),
	destzoneids: p.list("A list of IDs of the zones that the image will be copied to", { since: "4.12.0" }),
	sourcezoneid: p.uuid("ID of the zone the image is currently hosted on (checked; the copy downloads from the URL)", {
		related: "listZones",
	}),
};

const IN_PROGRESS = ["Allocated", "Downloading", "Ready"];

export async function copyImage(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	input: {
		id: string;
		destzoneid?: string | undefined;
		destzoneids?: string[] | undefined;
		sourcezoneid?: string | undefined;
	},
): Promise<CommandResult> {
	const found = await requireImage(deps.db, input.id, kind.isIso);
	const { template } = found;
	// CloudStack lets anyone who may use a public image copy it; private ones need the owner or an admin.
	const allowed = canManageImage(caller, found) || (template.isPublic && (await canSeeImage(deps.db, caller, found)));
	if (!allowed) throw permissionDenied(`The caller does not have permission to copy ${kind.noun} ${input.id}`);
	const dest = [
		...new Set([
			...(input.destzoneid ? [input.destzoneid] : []),
			...(input.destzoneids ?? []).map((z) => z.toLowerCase()),
		]),
	];
	if (dest.length === 0) throw new CsError(ERROR.paramError, "Please specify destzoneid or destzoneids");
	if (!template.url) {
		throw new CsError(
			ERROR.paramError,
			`${kind.noun} ${template.name} was imported from a file (flarestack-relay template import) and has no URL to download it from: import it in the other zone too`,
		);
	}
	const copies = await imageStoreRows(deps.db, template.id);
	if (input.sourcezoneid) {
		await requireZone(deps.db, input.sourcezoneid, "sourcezoneid");
		if (!copies.some((c) => c.zoneId === input.sourcezoneid)) {
			throw new CsError(ERROR.paramError, `${kind.noun} ${template.name} is not in source zone ${input.sourcezoneid}`);
		}
	}
	for (const zoneId of dest) {
		const zone = await requireZone(deps.db, zoneId, "destzoneid");
		if (zoneId === input.sourcezoneid) {
			throw new CsError(ERROR.paramError, "Please specify different source and destination zones.");
		}
		const copy = copies.find((c) => c.zoneId === zoneId);
		if (copy && IN_PROGRESS.includes(copy.state)) {
			throw new CsError(
				ERROR.paramError,
				`${kind.noun} ${template.name} is already in zone ${zone.name} (${copy.state})`,
			);
		}
	}
	await startTemplateDownloads(deps, template.id, dest);
	await eventInsert(deps.db, deps.clock.now(), caller, {
		type: kind.isIso ? "ISO.COPY" : "TEMPLATE.COPY",
		description: `Copying ${kind.noun.toLowerCase()} ${template.name} to ${dest.length === 1 ? "zone" : "zones"} ${dest.join(", ")}`,
		resourceType: kind.tagType,
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	});
	return imageObjectResult(deps.db, kind, template.id, dest[0]);
}
