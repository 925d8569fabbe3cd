import { eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { describeBlockers, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { imageStores } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteImageStore = defineCommand({
	name: "deleteImageStore",
	description: "Deletes an image store or Secondary Storage.",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the image store ID", { required: true, related: "listImageStores" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const store = await deps.db.select().from(imageStores).where(eq(imageStores.id, params.id)).get();
		if (!store) throw invalidParam("id", params.id);
		const templates = await templatesOn(deps.db, store.id);
		if (templates.length > 0) {
			throw resourceInUse(
				`Image store ${store.name} cannot be deleted: it still holds ${describeBlockers("template", templates)}`,
			);
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(imageStores).where(eq(imageStores.id, store.id)),
			deleteTagsOf(deps.db, "ImageStore", store.id),
			// CloudStack has no image-store delete event; named after its OBJECT.STORE.DELETE.
			eventInsert(deps.db, now, caller, {
				type: "IMAGE.STORE.DELETE",
				description: `Image store ${store.name} (${store.url}) deleted`,
				resourceType: "ImageStore",
				resourceId: store.id,
				resourceName: store.name,
			}),
		]);
		return { type: "success" };
	},
});

/**
 * HOOK for the templates issue: the names of the templates (and ISOs, snapshots, volume backups)
 * stored on the image store; CloudStack refuses the delete while any exist. There is no templates
 * table yet, so nothing blocks a delete today. Replace this body with a query on the template
 * store-refs table when it exists.
 */
async function templatesOn(_db: Db, _storeId: string): Promise<string[]> {
	return [];
}
