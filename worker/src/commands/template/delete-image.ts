/**
 * @module deleteTemplate and deleteIso: with a zone, that zone's copies go; without one (or once no
 * zone holds it) the image is removed (soft, as CloudStack keeps it for showremoved) with its
 * sharing rows. Files are removed by the zones' relay agents (templates/remove.ts).
 */
import { eq } from "drizzle-orm";
import { CsError, ERROR, permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { canManageImage, imageStoreRows, requireImage } from "../../db/repos/templates";
import { templatePermissions, templates } from "../../db/schema";
import type { Caller } from "../../domain/access";
import { removeTemplateCopies } from "../../templates";
import type { CommandResult, Deps } from "../types";
import type { ImageKind } from "./image-rules";

export async function deleteImage(
	kind: ImageKind,
	{ deps, caller }: { deps: Deps; caller: Caller },
	input: { id: string; zoneid?: string | undefined },
): Promise<CommandResult> {
	const found = await requireImage(deps.db, input.id, kind.isIso);
	if (!canManageImage(caller, found)) {
		throw permissionDenied(`The caller does not have permission to delete ${kind.noun} ${input.id}`);
	}
	const { template } = found;
	if (input.zoneid) {
		await requireZone(deps.db, input.zoneid);
		const copies = await imageStoreRows(deps.db, template.id);
		if (!copies.some((c) => c.zoneId === input.zoneid)) {
			throw new CsError(ERROR.paramError, `${kind.noun} ${template.name} is not in zone ${input.zoneid}`);
		}
	}
	await removeTemplateCopies(deps, template.id, input.zoneid);
	const left = input.zoneid ? await imageStoreRows(deps.db, template.id) : [];
	const now = deps.clock.now();
	const event = eventInsert(deps.db, now, caller, {
		type: kind.isIso ? "ISO.DELETE" : "TEMPLATE.DELETE",
		description: input.zoneid
			? `Deleted ${kind.noun.toLowerCase()} ${template.name} from zone ${input.zoneid}`
			: `Deleted ${kind.noun.toLowerCase()} ${template.name}`,
		resourceType: kind.tagType,
		resourceId: template.id,
		resourceName: template.name,
		owner: { accountId: template.accountId, domainId: template.domainId },
	});
	if (left.length > 0) {
		await event;
	} else {
		await deps.db.batch([
			deps.db.update(templates).set({ removed: now }).where(eq(templates.id, template.id)),
			deps.db.delete(templatePermissions).where(eq(templatePermissions.templateId, template.id)),
			event,
		]);
	}
	return { type: "success" };
}
