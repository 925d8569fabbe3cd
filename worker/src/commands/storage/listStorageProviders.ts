import { CsError, ERROR } from "../../api/errors";
import { STORAGE_PROVIDERS } from "../../domain/storage";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

export const listStorageProviders = defineCommand({
	name: "listStorageProviders",
	description: "Lists storage providers: DefaultPrimary for primary storage, NFS for image (secondary) storage",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		type: p.string("the type of storage provider: either primary or image", { required: true }),
		...pagingParams,
	},
	responseFields: {
		name: ["string", "the name of the storage provider"],
		type: ["string", "the type of the storage provider: PRIMARY or IMAGE"],
	},
	related: ["createStoragePool", "addImageStore"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const type = params.type.trim().toLowerCase();
		if (type !== "primary" && type !== "image") {
			throw new CsError(ERROR.paramError, `Invalid parameter: ${params.type}; type must be primary or image`);
		}
		const keyword = params.keyword?.toLowerCase();
		const all = STORAGE_PROVIDERS[type].filter((p) => !keyword || p.name.toLowerCase().includes(keyword));
		const items = all.slice(window.offset, window.offset + window.limit).map((p) => ({ name: p.name, type: p.type }));
		return { type: "list", name: "dataStoreProvider", items, count: all.length };
	},
});
