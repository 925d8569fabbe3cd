/**
 * @module What differs between templates and ISOs: command names, the list filter's parameter and
 * the register form's fields. Everything else (ImageList and its dialogs) is shared.
 */
export interface ImageKind {
	/** "Template" / "ISO": page title and dialog words. */
	noun: string;
	/** The noun inside a sentence: "template", but "ISO" stays upper case. */
	word: string;
	plural: string;
	list: string;
	/** The list response's field: "template" / "iso". */
	listKey: string;
	/** listTemplates' templatefilter / listIsos' isofilter. */
	filterParam: string;
	register: string;
	update: string;
	remove: string;
	extract: string;
	copy: string;
	/** registerTemplate takes format and hypervisor; an ISO is always ISO and bootable instead. */
	hasFormat: boolean;
}

export const TEMPLATE_KIND: ImageKind = {
	noun: "Template",
	word: "template",
	plural: "Templates",
	list: "listTemplates",
	listKey: "template",
	filterParam: "templatefilter",
	register: "registerTemplate",
	update: "updateTemplate",
	remove: "deleteTemplate",
	extract: "extractTemplate",
	copy: "copyTemplate",
	hasFormat: true,
};

export const ISO_KIND: ImageKind = {
	noun: "ISO",
	word: "ISO",
	plural: "ISOs",
	list: "listIsos",
	listKey: "iso",
	filterParam: "isofilter",
	register: "registerIso",
	update: "updateIso",
	remove: "deleteIso",
	extract: "extractIso",
	copy: "copyIso",
	hasFormat: false,
};

/** The download percentage in a status like "42% Downloaded", or undefined. */
export function downloadPercent(status: unknown): number | undefined {
	const match = /^(\d{1,3})%/.exec(String(status ?? ""));
	return match ? Math.min(100, Number(match[1])) : undefined;
}
