/**
 * @module templates and ISOs → CloudStack `template` / `iso` (TemplateResponse): one object per
 * image and zone, its status read from that zone's copy.
 */
import type { FieldTable } from "../../commands/types";
import type { TemplateListRow, TemplateStoreRow } from "../../db/repos/templates";
import { findOsType } from "../../domain/os-types";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";

export const TEMPLATE_FIELDS = {
	id: ["string", "the template ID"],
	name: ["string", "the template name"],
	displaytext: ["string", "the template display text"],
	ispublic: ["boolean", "true if this template is a public template, false otherwise"],
	created: ["date", "the date this template was created"],
	removed: ["date", "the date this template was removed"],
	isready: ["boolean", "true if the template is ready to be deployed from, false otherwise."],
	passwordenabled: ["boolean", "true if the reset password feature is enabled, false otherwise"],
	format: ["imageformat", "the format of the template."],
	bootable: ["boolean", "true if the ISO is bootable, false otherwise"],
	isfeatured: ["boolean", "true if this template is a featured template, false otherwise"],
	crossZones: ["boolean", "true if the template is managed across all Zones, false otherwise"],
	ostypeid: ["string", "the ID of the OS type for this template."],
	ostypename: ["string", "the name of the OS type for this template."],
	accountid: ["string", "the account id to which the template belongs"],
	account: ["string", "the account name to which the template belongs"],
	zoneid: ["string", "the ID of the zone for this template"],
	zonename: ["string", "the name of the zone for this template"],
	status: ["string", "the status of the template: download progress, Download Complete, or the error"],
	size: ["long", "the size of the template (the disk size the guest sees, bytes)"],
	physicalsize: ["long", "the physical size of the template on secondary storage (bytes)"],
	templatetype: ["string", "the type of the template"],
	hypervisor: ["string", "the hypervisor on which the template runs"],
	domain: ["string", "the name of the domain to which the template belongs"],
	domainid: ["string", "the ID of the domain to which the template belongs"],
	domainpath: ["string", "the path of the domain to which the template belongs"],
	isextractable: ["boolean", "true if the template is extractable, false otherwise"],
	checksum: ["string", "checksum of the template"],
	templatetag: ["string", "the tag of this template"],
	details: ["map", "additional key/value details tied with template"],
	arch: ["string", "CPU Arch of the template"],
	bits: ["int", "the processor bit size"],
	sshkeyenabled: ["boolean", "true if template is sshkey enabled, false otherwise"],
	isdynamicallyscalable: ["boolean", "true if template contains XS/VMWare tools inorder to support dynamic scaling"],
	directdownload: ["boolean", "KVM Only: true if template is directly downloaded to Primary Storage"],
	deployasis: ["boolean", "VMware only: true if template is deployed without orchestrating disks and networks"],
	requireshvm: ["boolean", "true if template requires HVM enabled, false otherwise"],
	url: ["string", "the URL which the template/iso is registered from"],
	tags: ["set", "the list of resource tags associated"],
} as const satisfies FieldTable;

/** CloudStack's status text for a zone copy. */
export function templateStatus(store: TemplateStoreRow): string {
	switch (store.state) {
		case "Allocated":
			// templates/downloads.ts also keeps a zone without secondary storage Allocated.
			return store.imageStoreId === null
				? "Waiting for secondary storage in the zone: add one with addImageStore"
				: "Waiting for the zone's relay agent";
		case "Downloading":
			return `${store.percent}% Downloaded`;
		case "Ready":
			return "Download Complete";
		default:
			return store.errorText ?? "Download failed";
	}
}

function parseDetails(text: string | null): Record<string, string> | undefined {
	if (!text) return undefined;
	try {
		const value = JSON.parse(text) as Record<string, string>;
		return Object.keys(value).length > 0 ? value : undefined;
	} catch {
		return undefined;
	}
}

export function serializeTemplate(row: TemplateListRow, tags: Record<string, unknown>[] = []): Record<string, unknown> {
	const { template: t, store } = row;
	const ready = store?.state === "Ready";
	return compact({
		id: t.id,
		name: t.name,
		displaytext: t.displayText,
		ispublic: t.isPublic,
		created: csDate(t.created),
		removed: t.removed ? csDate(t.removed) : undefined,
		isready: ready,
		passwordenabled: t.passwordEnabled,
		format: t.format,
		bootable: t.bootable,
		isfeatured: t.isFeatured,
		crossZones: t.crossZones,
		ostypeid: t.osTypeId,
		ostypename: findOsType(t.osTypeId)?.description,
		accountid: t.accountId,
		account: row.account,
		zoneid: store?.zoneId,
		zonename: store ? row.zoneName : undefined,
		status: store ? templateStatus(store) : undefined,
		// CloudStack shows sizes once the copy is known (after the download).
		size: store && store.sizeBytes > 0 ? store.sizeBytes : undefined,
		physicalsize: store && store.physicalBytes > 0 ? store.physicalBytes : undefined,
		templatetype: t.templateType,
		hypervisor: t.hypervisor ?? (t.isIso ? undefined : "KVM"),
		domain: row.domain,
		domainid: t.domainId,
		domainpath: displayPath(row.domainPath),
		isextractable: t.isExtractable,
		checksum: t.checksum,
		templatetag: t.templateTag,
		details: parseDetails(t.details),
		arch: t.arch,
		bits: t.bits,
		sshkeyenabled: t.sshKeyEnabled,
		isdynamicallyscalable: t.isDynamicallyScalable,
		directdownload: false,
		deployasis: false,
		requireshvm: t.requiresHvm,
		url: t.url,
		tags,
	} satisfies Record<keyof typeof TEMPLATE_FIELDS, unknown>);
}
