import { and, eq, isNull } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { describeBlockers, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { imageStores, templateStores, templates } from "../../db/schema";
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

/** The templates and ISOs with a copy (or a download under way) on the image store. */
async function templatesOn(db: Db, storeId: string): Promise<string[]> {
	const rows = await db
		.select({ name: templates.name })
		.from(templateStores)
		.innerJoin(templates, eq(templates.id, templateStores.templateId))
		.where(and(eq(templateStores.imageStoreId, storeId), isNull(templates.removed)))
		.orderBy(templates.name);
	return rows.map((row) => row.name);
}
