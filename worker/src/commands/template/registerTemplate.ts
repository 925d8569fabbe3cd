import { TEMPLATE_FIELDS } from "../../api/serializers/template";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { TEMPLATE, templateFormat, templateHypervisor } from "./image-rules";
import { registerImage } from "./register-image";

export const registerTemplate = defineCommand({
	name: "registerTemplate",
	description:
		"Registers an existing template into the cloud: the zones' relay agents download it into secondary storage, verify its checksum and inspect it",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		name: p.string("the name of the template", { required: true }),
		displaytext: p.string("the display text of the template, defaults to the name", { length: 4096 }),
		url: p.string("the http or https URL of where the template is hosted", { required: true, length: 2048 }),
		format: p.string("the format for the template: QCOW2 or RAW", { required: true }),
		hypervisor: p.string("the target hypervisor for the template: KVM", { required: true }),
		ostypeid: p.uuid("the ID of the OS Type that best represents the OS of this template (default Other (64-bit))", {
			related: "listOsTypes",
		}),
		zoneid: p.string("the ID of the zone the template is to be hosted on, or -1 for every zone", {
			related: "listZones",
		}),
		zoneids: p.list("A list of zone ids where the template will be hosted, or -1 for every zone", {
			since: "4.12.0",
			related: "listZones",
		}),
		checksum: p.string(
			"the checksum of the template: a plain MD5 hex digest, or {SHA-1}, {SHA-256}, {SHA-512} (or {MD5}) followed by the hex digest",
		),
		ispublic: p.boolean("true if the template is available to all accounts; default is false"),
		isfeatured: p.boolean("true if this template is a featured template (root admins only); default is false"),
		isextractable: p.boolean("true if the template or its derivatives are extractable; default is false"),
		passwordenabled: p.boolean("true if the template supports the password reset feature; default is false"),
		sshkeyenabled: p.boolean("true if the template supports the sshkey upload feature; default is false"),
		isdynamicallyscalable: p.boolean("true if template contains XS/VMWare tools inorder to support dynamic scaling"),
		requireshvm: p.boolean("true if this template requires HVM"),
		bits: p.integer("32 or 64 bits support. 64 by default"),
		arch: p.string("the CPU arch of the template: x86_64 (default) or aarch64", { since: "4.20" }),
		templatetag: p.string("the tag for this template (root admins only)"),
		templatetype: p.string("the type of the template: USER (default); root admins may use SYSTEM or BUILTIN", {
			since: "4.19.0",
		}),
		details: p.map("Template details in key/value pairs: details[0].key=value"),
		directdownload: p.boolean("not supported: templates always go through secondary storage", { since: "4.11" }),
		account: p.string("an optional accountName; must be used with domainId"),
		domainid: p.uuid("an optional domainId; if the account parameter is used, domainId must also be used", {
			related: "listDomains",
		}),
		projectid: p.uuid("not supported: flarestack has no projects"),
	},
	responseFields: TEMPLATE_FIELDS,
	related: ["listTemplates", "updateTemplate", "deleteTemplate", "copyTemplate"],
	async handle({ params, deps, caller }) {
		return registerImage(
			TEMPLATE,
			{ deps, caller },
			{ ...params, format: templateFormat(params.format), hypervisor: templateHypervisor(params.hypervisor) },
		);
	},
});
