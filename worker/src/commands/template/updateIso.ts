import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { ISO } from "./image-rules";
import { imageUpdateParams, updateImage } from "./update-image";

export const updateIso = defineCommand({
	name: "updateIso",
	description: "Updates an ISO file.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: imageUpdateParams,
	responseFields: TEMPLATE_FIELDS,
	related: ["listIsos", "registerIso"],
	async handle({ params, deps, caller }) {
		return updateImage(ISO, { deps, caller }, params);
	},
});
