/**
 * @module Select choices read from the API: `{value: id, label}` for every row a list command
 * answers the caller (its first 500, CloudStack's default page size), cached like any list.
 */
import type { Params, Row } from "./client";
import { useList } from "./queries";

export interface Option {
	value: string;
	label: string;
}

/**
 * The rows of `command` (their list field `key`) as choices, labelled by name unless `label` says
 * otherwise; none while `enabled` is false (a pod Select before a zone is chosen).
 */
export function useOptions(
	command: string,
	key: string,
	params: Params = {},
	{ enabled = true, label = (row: Row) => String(row.name) }: { enabled?: boolean; label?(row: Row): string } = {},
): Option[] {
	const query = useList(command, key, enabled ? { listall: true, page: 1, pagesize: 500, ...params } : {});
	if (!enabled) return [];
	return (query.data?.rows ?? []).map((row) => ({ value: String(row.id), label: label(row) }));
}

export const useZoneOptions = () => useOptions("listZones", "zone");

export const useOsTypeOptions = () =>
	useOptions("listOsTypes", "ostype", {}, { label: (type) => String(type.description) });

/** Every domain the caller may see, by path (ROOT/sub), for "Domain" and "Parent domain" selects. */
export const useDomainOptions = () =>
	useOptions("listDomains", "domain", {}, { label: (domain) => String(domain.path) });

// listRoles has no listall parameter.
export const useRoleOptions = () =>
	useOptions("listRoles", "role", { listall: undefined }, { label: (role) => `${role.name} (${role.type})` });
