/** @module Loading the caller of a request: user, account, domain and role in one query. */
import { and, eq, isNull } from "drizzle-orm";
import type { Caller } from "../../domain/access";
import { BUILT_IN_ROLES, type PermissionRule, type RoleType } from "../../domain/roles";
import type { Db } from "../client";
import { accounts, domains, rolePermissions, roles, sessions, users } from "../schema";

export interface CallerRow {
	caller: Omit<Caller, "via" | "roleRules">;
	userState: string;
	accountState: string;
	secretKeyEnc: string | null;
	apiKeyAccess: string;
	accountApiKeyAccess: string;
}

const CALLER_FIELDS = {
	userId: users.id,
	username: users.username,
	userState: users.state,
	secretKeyEnc: users.secretKeyEnc,
	apiKeyAccess: users.apiKeyAccess,
	accountId: accounts.id,
	accountName: accounts.name,
	accountType: accounts.type,
	accountState: accounts.state,
	accountApiKeyAccess: accounts.apiKeyAccess,
	domainId: domains.id,
	domainPath: domains.path,
	roleId: roles.id,
	roleType: roles.type,
};

function callerQuery(db: Db) {
	return db
		.select(CALLER_FIELDS)
		.from(users)
		.innerJoin(accounts, eq(accounts.id, users.accountId))
		.innerJoin(domains, eq(domains.id, accounts.domainId))
		.innerJoin(roles, eq(roles.id, accounts.roleId));
}

type Selected = Awaited<ReturnType<ReturnType<typeof callerQuery>["all"]>>[number];

function toCallerRow(row: Selected | undefined): CallerRow | null {
	if (!row) return null;
	const { userState, accountState, secretKeyEnc, apiKeyAccess, accountApiKeyAccess, ...rest } = row;
	return {
		caller: { ...rest, roleType: rest.roleType as RoleType },
		userState,
		accountState,
		secretKeyEnc,
		apiKeyAccess,
		accountApiKeyAccess,
	};
}

export async function callerByApiKey(db: Db, apiKey: string): Promise<CallerRow | null> {
	const rows = await callerQuery(db)
		.where(and(eq(users.apiKey, apiKey), isNull(users.removed), isNull(accounts.removed)))
		.limit(1);
	return toCallerRow(rows[0]);
}

export interface SessionRow {
	sessionKey: string;
	lastSeen: number;
}

/** A session and its caller in one query (the user may have been removed: then no caller). */
export async function callerBySession(
	db: Db,
	sessionId: string,
): Promise<{ session: SessionRow; row: CallerRow | null } | null> {
	const [found] = await db
		.select({
			sessionKey: sessions.sessionKey,
			lastSeen: sessions.lastSeen,
			removed: users.removed,
			accountRemoved: accounts.removed,
			...CALLER_FIELDS,
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.innerJoin(accounts, eq(accounts.id, users.accountId))
		.innerJoin(domains, eq(domains.id, accounts.domainId))
		.innerJoin(roles, eq(roles.id, accounts.roleId))
		.where(eq(sessions.id, sessionId))
		.limit(1);
	if (!found) return null;
	const { sessionKey, lastSeen, removed, accountRemoved, ...caller } = found;
	const live = removed === null && accountRemoved === null;
	return { session: { sessionKey, lastSeen }, row: live ? toCallerRow(caller) : null };
}

const RULE_CACHE_MS = 30_000;
const ruleCache = new Map<string, { rules: PermissionRule[]; until: number }>();

/**
 * Drops a role's cached rules after a role or rule write, so this isolate's next request of an
 * account in that role sees the change. Other isolates may keep the old rules until RULE_CACHE_MS.
 */
export function forgetRoleRules(roleId: string): void {
	ruleCache.delete(roleId);
}

/** A role's rules: built-in roles from code, others from D1 with a short per-isolate cache. */
export async function roleRules(db: Db, roleId: string, now: number): Promise<PermissionRule[]> {
	const builtIn = BUILT_IN_ROLES.find((r) => r.id === roleId);
	if (builtIn) return builtIn.rules;
	const cached = ruleCache.get(roleId);
	if (cached && cached.until > now) return cached.rules;
	const rows = await db
		.select({ rule: rolePermissions.rule, permission: rolePermissions.permission })
		.from(rolePermissions)
		.where(eq(rolePermissions.roleId, roleId))
		.orderBy(rolePermissions.sortOrder);
	const rules = rows.map((r) => ({ rule: r.rule, permission: r.permission as "allow" | "deny" }));
	ruleCache.set(roleId, { rules, until: now + RULE_CACHE_MS });
	return rules;
}
