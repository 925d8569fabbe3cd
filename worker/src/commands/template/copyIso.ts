import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { copyImage, imageCopyParams } from "./copy-image";
import { ISO } from "./image-rules";

export const copyIso = defineCommand({
	name: "copyIso",
	description: "Copies an ISO to other zones: each destination zone's relay agent downloads it from its URL",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	// CloudStack answers copyIso under copytemplateresponse (CopyIsoCmd extends CopyTemplateCmd).
	responseName: "copytemplateresponse",
	async: { className: "org.apache.cloudstack.api.command.user.iso.CopyIsoCmd", instanceType: "Iso" },
	params: imageCopyParams,
	responseFields: TEMPLATE_FIELDS,
	related: ["listIsos", "registerIso"],
	async handle({ params, deps, caller }) {
		return copyImage(ISO, { deps, caller }, params);
	},
});
