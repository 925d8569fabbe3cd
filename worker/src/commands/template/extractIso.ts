import { defineCommand } from "../define";
import { EXTRACT_FIELDS, extractImage, extractParams } from "./extract-image";
import { ISO } from "./image-rules";

export const extractIso = defineCommand({
	name: "extractIso",
	description: "Extracts an ISO: answers a time-limited download link to its copy on secondary storage",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.iso.ExtractIsoCmd", instanceType: "Iso" },
	params: extractParams,
	responseFields: EXTRACT_FIELDS,
	related: ["listIsos"],
	async handle({ params, deps, caller, request }) {
		return extractImage(ISO, { deps, caller, request }, params);
	},
});
