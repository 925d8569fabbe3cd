/** @module Select options read from the API (domains, roles, accounts), shared by the account pages. */
import { useList } from "../../../api/queries";

/** Every domain the caller may see, by path (ROOT/sub), for "Domain" and "Parent domain" selects. */
export function useDomainOptions() {
	const query = useList("listDomains", "domain", { listall: true, page: 1, pagesize: 500 });
	return (query.data?.rows ?? []).map((domain) => ({ value: String(domain.id), label: String(domain.path) }));
}

export function useRoleOptions() {
	const query = useList("listRoles", "role", { page: 1, pagesize: 500 });
	return (query.data?.rows ?? []).map((role) => ({ value: String(role.id), label: `${role.name} (${role.type})` }));
}
