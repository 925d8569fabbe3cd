import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import { IMAGE_STORE_FIELDS } from "../../api/serializers/image-store";
import { tagFilter } from "../../db/repos/tags";
import { imageStores } from "../../db/schema";
import { containsText, eqNoCase } from "../../db/text-match";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { imageStorePage } from "./image-store-view";

export const listImageStores = defineCommand({
	name: "listImageStores",
	description: "Lists image stores.",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the storage pool", { related: "listImageStores" }),
		ids: p.list("the IDs of the image stores, mutually exclusive with id"),
		name: p.string("the name of the image store"),
		protocol: p.string("the image store protocol"),
		provider: p.string("the image store provider"),
		zoneid: p.uuid("the Zone ID for the image store", { related: "listZones" }),
		readonly: p.boolean("read-only status of the image store", { since: "4.15.0" }),
		tags: p.map("List resources by tags (key/value pairs)"),
		...pagingParams,
	},
	responseFields: IMAGE_STORE_FIELDS,
	related: ["addImageStore", "deleteImageStore"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [];
		if (params.id) filters.push(eq(imageStores.id, params.id));
		if (params.ids && params.ids.length > 0)
			filters.push(
				inArray(
					imageStores.id,
					params.ids.map((id) => id.toLowerCase()),
				),
			);
		if (params.name) filters.push(eqNoCase(imageStores.name, params.name));
		if (params.protocol) filters.push(eqNoCase(imageStores.protocol, params.protocol));
		if (params.provider) filters.push(eqNoCase(imageStores.provider, params.provider));
		if (params.zoneid) filters.push(eq(imageStores.zoneId, params.zoneid));
		if (params.readonly !== undefined) filters.push(eq(imageStores.readonly, params.readonly));
		// CloudStack matches the keyword against the name and the provider name.
		if (params.keyword)
			filters.push(
				or(containsText(imageStores.name, params.keyword), containsText(imageStores.provider, params.keyword)),
			);
		filters.push(tagFilter(deps.db, "ImageStore", imageStores.id, params.tags));
		const { items, count } = await imageStorePage(deps.db, and(...filters), window);
		return { type: "list", name: "imagestore", items, count };
	},
});
