import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { ISO } from "./image-rules";
import { imageListParams, listImages, parseFilter } from "./list-images";

export const listIsos = defineCommand({
	name: "listIsos",
	description: "Lists all available ISO files: one item per ISO and zone",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		isofilter: p.string(
			"featured, self, selfexecutable (default), sharedexecutable, executable, community, shared, all (admins)",
		),
		bootable: p.boolean("true if the ISO is bootable, false otherwise"),
		ispublic: p.boolean("true if the ISO is publicly available to all users, false otherwise"),
		hypervisor: p.string("accepted and ignored: ISOs boot on any hypervisor"),
		...imageListParams,
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["registerIso", "updateIso", "deleteIso"],
	async handle({ params, deps, caller }) {
		// CloudStack's ListIsosCmd defaults isofilter to selfexecutable.
		const filter = parseFilter(params.isofilter ?? "selfexecutable", "isofilter");
		return listImages(ISO, { deps, caller }, filter, "isofilter", params);
	},
});
