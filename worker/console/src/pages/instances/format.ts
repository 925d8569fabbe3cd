/** @module How instance and job pages show API values. */
import type { Row } from "../../api/client";

/** An API date ("2026-12-02T06:37:56+0000") in the browser's locale; the raw text if unparsable. */
export function when(value: unknown): string {
	if (!value) return "";
	const date = new Date(String(value).replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
	return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** The VM's address: its default NIC's IPv4. */
export function ipOf(vm: Row): string {
	const nics = (vm.nic as Row[] | undefined) ?? [];
	return String((nics.find((nic) => nic.isdefault) ?? nics[0])?.ipaddress ?? "");
}

/** What the VM was made from: its template, or the ISO it boots. */
export function imageOf(vm: Row): string {
	return String(vm.templatename ?? vm.isoname ?? "");
}
