/**
 * @module Roles and API permission rules (CloudStack's dynamic roles): an ordered list of
 * allow/deny rules per role, first match wins, else the command's default role types decide.
 */

export type RoleType = "Admin" | "ResourceAdmin" | "DomainAdmin" | "User";

export const ROLE_TYPES: readonly RoleType[] = ["Admin", "ResourceAdmin", "DomainAdmin", "User"];

/** CloudStack account types. */
export const ACCOUNT_TYPE = {
	user: 0,
	rootAdmin: 1,
	domainAdmin: 2,
	resourceAdmin: 3,
	readOnlyAdmin: 4,
} as const;

export interface PermissionRule {
	rule: string;
	permission: "allow" | "deny";
	description?: string;
}

export interface BuiltInRole {
	id: string;
	name: string;
	type: RoleType;
	accountType: number;
	description: string;
	rules: PermissionRule[];
}

/** The five built-in roles, with fixed ids so bootstrap is idempotent across isolates. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
	{
		id: "00000000-0000-4000-8000-000000000001",
		name: "Root Admin",
		type: "Admin",
		accountType: ACCOUNT_TYPE.rootAdmin,
		description: "Default root admin role",
		rules: [],
	},
	{
		id: "00000000-0000-4000-8000-000000000002",
		name: "Resource Admin",
		type: "ResourceAdmin",
		accountType: ACCOUNT_TYPE.resourceAdmin,
		description: "Default resource admin role",
		rules: [],
	},
	{
		id: "00000000-0000-4000-8000-000000000003",
		name: "Domain Admin",
		type: "DomainAdmin",
		accountType: ACCOUNT_TYPE.domainAdmin,
		description: "Default domain admin role",
		rules: [],
	},
	{
		id: "00000000-0000-4000-8000-000000000004",
		name: "User",
		type: "User",
		accountType: ACCOUNT_TYPE.user,
		description: "Default user role",
		rules: [],
	},
	{
		id: "00000000-0000-4000-8000-000000000005",
		name: "Read-Only Admin - Default",
		type: "Admin",
		accountType: ACCOUNT_TYPE.readOnlyAdmin,
		description: "Default read-only admin role: may read everything, change nothing",
		rules: [
			{ rule: "list*", permission: "allow", description: "read-only" },
			{ rule: "get*", permission: "allow", description: "read-only" },
			{ rule: "query*", permission: "allow", description: "read-only" },
			{ rule: "find*", permission: "allow", description: "read-only" },
			{ rule: "logout", permission: "allow", description: "end own session" },
			{ rule: "*", permission: "deny", description: "everything else" },
		],
	},
];

export const ROOT_ADMIN_ROLE_ID = "00000000-0000-4000-8000-000000000001";

/** The role an account type gets when createAccount names no roleid. */
export function defaultRoleForAccountType(accountType: number): BuiltInRole | undefined {
	return BUILT_IN_ROLES.find((r) => r.accountType === accountType);
}

/** The account type that goes with a role: read-only admin roles keep their own type. */
export function accountTypeForRole(role: { id: string; type: string }): number {
	const builtIn = BUILT_IN_ROLES.find((r) => r.id === role.id);
	if (builtIn) return builtIn.accountType;
	return { Admin: 1, ResourceAdmin: 3, DomainAdmin: 2, User: 0 }[role.type as RoleType] ?? 0;
}

function ruleMatches(rule: string, api: string): boolean {
	const pattern = rule.replaceAll("*", "\\w*");
	return new RegExp(`^${pattern}$`, "i").test(api);
}

/**
 * Whether a role may call `api`. The root admin role bypasses every check, as CloudStack's does.
 */
export function roleAllows(
	role: { id: string; type: RoleType; rules: readonly PermissionRule[] },
	api: string,
	authorized: readonly RoleType[],
): boolean {
	if (role.id === ROOT_ADMIN_ROLE_ID) return true;
	for (const { rule, permission } of role.rules) {
		if (ruleMatches(rule, api)) return permission === "allow";
	}
	return authorized.includes(role.type);
}

/** Rule syntax CloudStack accepts: letters, digits and `*`. */
export function isValidRule(rule: string): boolean {
	return /^[a-zA-Z0-9*]+$/.test(rule);
}
