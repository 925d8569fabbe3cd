/**
 * @module Who may see and change what (CloudStack's access rules): root admins everything,
 * read-only admins may see everything, domain and resource admins their domain subtree, users
 * their own account. Pure: callers and targets are plain data.
 */
import { ACCOUNT_TYPE, type PermissionRule, type RoleType } from "./roles";

/** The authenticated principal of a request. */
export interface Caller {
	userId: string;
	username: string;
	accountId: string;
	accountName: string;
	accountType: number;
	domainId: string;
	/** "/" for ROOT, "/a/b/" below it. */
	domainPath: string;
	roleId: string;
	roleType: RoleType;
	roleRules: readonly PermissionRule[];
	via: "key" | "session";
	/** The login session the request came with (via "session"): kept when the password changes. */
	sessionId?: string;
}

export interface AccountTarget {
	id: string;
	type: number;
	domainPath: string;
}

export function isRootAdmin(caller: Caller): boolean {
	return caller.accountType === ACCOUNT_TYPE.rootAdmin;
}

/** Admin types whose scope is the whole cloud. */
function seesEverything(caller: Caller): boolean {
	return caller.accountType === ACCOUNT_TYPE.rootAdmin || caller.accountType === ACCOUNT_TYPE.readOnlyAdmin;
}

/** Admin types whose scope is their own domain subtree. */
export function isDomainScopedAdmin(caller: Caller): boolean {
	return caller.accountType === ACCOUNT_TYPE.domainAdmin || caller.accountType === ACCOUNT_TYPE.resourceAdmin;
}

/** Whether `path` is the domain `ancestor` or below it. */
export function isInSubtree(path: string, ancestor: string): boolean {
	return path.startsWith(ancestor);
}

/** The domain subtree a caller may list in, or null for a plain user (own account only). */
export function visibleSubtree(caller: Caller): string | null {
	if (seesEverything(caller)) return "/";
	if (isDomainScopedAdmin(caller)) return caller.domainPath;
	return null;
}

/** CloudStack's checkAccess on a domain: users only their own, domain admins their subtree. */
export function canAccessDomain(caller: Caller, domain: { id: string; path: string }): boolean {
	const subtree = visibleSubtree(caller);
	if (subtree === null) return domain.id === caller.domainId;
	return isInSubtree(domain.path, subtree);
}

/** May the caller see this account (and its users)? */
export function canSeeAccount(caller: Caller, target: AccountTarget): boolean {
	if (target.id === caller.accountId) return true;
	const subtree = visibleSubtree(caller);
	return subtree !== null && isInSubtree(target.domainPath, subtree);
}

const PRIVILEGED_TYPES: readonly number[] = [ACCOUNT_TYPE.rootAdmin, ACCOUNT_TYPE.readOnlyAdmin];

/**
 * May the caller change this account or its users? Domain admins manage their subtree but never
 * an admin-type account, even one placed in their domain (CVE-2024-42062's lesson).
 */
export function canManageAccount(caller: Caller, target: AccountTarget): boolean {
	if (isRootAdmin(caller)) return true;
	if (!isDomainScopedAdmin(caller)) return false;
	if (PRIVILEGED_TYPES.includes(target.type)) return false;
	if (target.type === ACCOUNT_TYPE.resourceAdmin && caller.accountType !== ACCOUNT_TYPE.resourceAdmin) {
		return false;
	}
	return isInSubtree(target.domainPath, caller.domainPath);
}

/** May the caller manage domains at `path` (create below it, rename, delete)? */
export function canManageDomain(caller: Caller, path: string): boolean {
	if (isRootAdmin(caller)) return true;
	return isDomainScopedAdmin(caller) && isInSubtree(path, caller.domainPath);
}

/** Account types a caller may create accounts of. */
export function creatableAccountTypes(caller: Caller): readonly number[] {
	if (isRootAdmin(caller)) return [0, 1, 2, 3, 4];
	if (caller.accountType === ACCOUNT_TYPE.resourceAdmin) return [0, 2, 3];
	if (caller.accountType === ACCOUNT_TYPE.domainAdmin) return [0, 2];
	return [];
}
