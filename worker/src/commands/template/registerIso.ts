import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { ISO } from "./image-rules";
import { registerImage } from "./register-image";

export const registerIso = defineCommand({
	name: "registerIso",
	description:
		"Registers an existing ISO into the cloud: the zones' relay agents download it into secondary storage and check it is an ISO 9660 image",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("the name of the ISO", { required: true }),
		displaytext: p.string("the display text of the ISO, defaults to the name", { length: 4096 }),
		url: p.string("the http or https URL of where the ISO is hosted", { required: true, length: 2048 }),
		zoneid: p.string("the ID of the zone you wish to register the ISO to, or -1 for every zone", {
			required: true,
			related: "listZones",
		}),
		bootable: p.boolean("true if this ISO is bootable; default is true"),
		ostypeid: p.uuid("the ID of the OS type that best represents the OS of this ISO (default Other (64-bit))", {
			related: "listOsTypes",
		}),
		checksum: p.string(
			"the checksum of the ISO: a plain MD5 hex digest, or {SHA-1}, {SHA-256}, {SHA-512} (or {MD5}) followed by the hex digest",
		),
		ispublic: p.boolean("true if you want to register the ISO to be publicly available to all users"),
		isfeatured: p.boolean("true if you want this ISO to be featured (root admins only)"),
		isextractable: p.boolean("true if the ISO or its derivatives are extractable; default is false"),
		passwordenabled: p.boolean("true if password reset feature is supported; default is false", { since: "4.18.1" }),
		isdynamicallyscalable: p.boolean("true if ISO contains XS/VMWare tools inorder to support dynamic scaling"),
		arch: p.string("the CPU arch of the ISO: x86_64 (default) or aarch64", { since: "4.20" }),
		directdownload: p.boolean("not supported: ISOs always go through secondary storage", { since: "4.11" }),
		account: p.string("an optional account name; must be used with domainId"),
		domainid: p.uuid("an optional domainId; if the account parameter is used, domainId must also be used", {
			related: "listDomains",
		}),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["listIsos", "updateIso", "deleteIso", "copyIso"],
	async handle({ params, deps, caller }) {
		return registerImage(ISO, { deps, caller }, { ...params, format: "ISO", hypervisor: null });
	},
});
