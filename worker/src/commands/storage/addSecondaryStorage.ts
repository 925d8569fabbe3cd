import { IMAGE_STORE_FIELDS, serializeImageStore } from "../../api/serializers/image-store";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { addNfsImageStore } from "./image-store-rules";
import { afterImageStoreAdded } from "./image-store-usage";

/** The pre-4.2 way to add NFS secondary storage: an NFS image store under another envelope. */
export const addSecondaryStorage = defineCommand({
	name: "addSecondaryStorage",
	description: "Adds secondary storage.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		url: p.string("the URL for the secondary storage: nfs://server/export/path", { required: true }),
		zoneid: p.uuid("the Zone ID for the secondary storage (required for NFS)", { related: "listZones" }),
	},
	responseFields: IMAGE_STORE_FIELDS,
	related: ["listImageStores", "deleteImageStore"],
	async handle({ params, deps, caller }) {
		const { row, zoneName } = await addNfsImageStore(deps.db, deps.clock.now(), caller, {
			url: params.url,
			zoneId: params.zoneid,
			name: undefined,
		});
		const usage = await afterImageStoreAdded(deps, row);
		return { type: "object", name: "secondarystorage", value: serializeImageStore({ ...row, ...usage }, zoneName) };
	},
});
