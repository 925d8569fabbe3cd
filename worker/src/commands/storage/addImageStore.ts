import { IMAGE_STORE_FIELDS, serializeImageStore } from "../../api/serializers/image-store";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { addNfsImageStore, imageStoreProvider } from "./image-store-rules";
import { afterImageStoreAdded } from "./image-store-usage";

export const addImageStore = defineCommand({
	name: "addImageStore",
	description: "Adds backup image store.",
	since: "4.2.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		provider: p.string("the image store provider name: NFS (the only one flarestack offers)", { required: true }),
		url: p.string("the URL for the image store: nfs://server/export/path", { length: 2048 }),
		zoneid: p.uuid("the Zone ID for the image store (required for NFS)", { related: "listZones" }),
		name: p.string("the name for the image store (default: the URL)"),
		details: p.map("the details for the image store (accepted and ignored for NFS)"),
	},
	responseFields: IMAGE_STORE_FIELDS,
	related: ["listImageStores", "deleteImageStore"],
	async handle({ params, deps, caller }) {
		imageStoreProvider(params.provider);
		const { row, zoneName } = await addNfsImageStore(deps.db, deps.clock.now(), caller, {
			url: params.url ?? "",
			zoneId: params.zoneid,
			name: params.name,
		});
		const usage = await afterImageStoreAdded(deps, row);
		return { type: "object", name: "imagestore", value: serializeImageStore({ ...row, ...usage }, zoneName) };
	},
});
