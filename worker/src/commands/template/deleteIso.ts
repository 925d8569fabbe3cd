import { defineCommand } from "../define";
import { p } from "../param-spec";
import { deleteImage } from "./delete-image";
import { ISO } from "./image-rules";

export const deleteIso = defineCommand({
	name: "deleteIso",
	description: "Deletes an ISO file (or its copy in one zone): its files on secondary storage are removed",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	async: { className: "org.apache.cloudstack.api.command.user.iso.DeleteIsoCmd", instanceType: "Iso" },
	params: {
		id: p.uuid("the ID of the ISO file", { required: true, related: "listIsos" }),
		zoneid: p.uuid("the ID of the zone of the ISO file (all zones when absent)", { related: "listZones" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["registerIso", "listIsos"],
	async handle({ params, deps, caller }) {
		return deleteImage(ISO, { deps, caller }, params);
	},
});
