/** @module Roles and their permission rules for the role write commands: lookups, checks, views. */
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { CsError, ERROR, invalidParam, permissionDenied } from "../../api/errors";
import { csDate } from "../../api/serializers/format";
import { ROLE_TYPES, type RoleType } from "../../domain/roles";
import type { Db } from "../client";
import { accounts, rolePermissions, roles } from "../schema";

export type RoleRow = typeof roles.$inferSelect;
export type RolePermissionRow = typeof rolePermissions.$inferSelect;

export const ROLE_FIELDS = {
	id: ["string", "the ID of the role"],
	name: ["string", "the name of the role"],
	type: ["string", "the type of the role"],
	description: ["string", "the description of the role"],
	isdefault: ["boolean", "true if role is default, false otherwise"],
	ispublic: [
		"boolean",
		"Indicates whether the role will be visible to all users (public) or only to root admins (private).",
	],
	state: ["string", "the state of the role"],
	created: ["date", "the date the role was created"],
} as const;

export const ROLE_PERMISSION_FIELDS = {
	id: ["string", "the ID of the role permission"],
	roleid: ["string", "the ID of the role to which the role permission belongs"],
	rolename: ["string", "the name of the role to which the role permission belongs"],
	roletype: ["string", "the type of the role to which the role permission belongs"],
	rule: ["string", "the api name or wildcard rule"],
	permission: ["string", "the permission type of the api name or wildcard rule, allow/deny"],
	description: ["string", "the description of the role permission"],
} as const;

export function roleView(r: RoleRow): Record<string, unknown> {
	return {
		id: r.id,
		name: r.name,
		type: r.type,
		description: r.description,
		isdefault: r.isDefault,
		ispublic: r.isPublic,
		state: "Enabled",
		created: csDate(r.created),
	};
}

export function rolePermissionView(permission: RolePermissionRow, role: RoleRow): Record<string, unknown> {
	return {
		id: permission.id,
		roleid: role.id,
		rolename: role.name,
		roletype: role.type,
		rule: permission.rule,
		permission: permission.permission,
		description: permission.description,
	};
}

/** The role `id` names, or the 431 CloudStack gives for an unknown entity. */
export async function requireRole(db: Db, id: string, param: string): Promise<RoleRow> {
	const role = await db.select().from(roles).where(eq(roles.id, id)).get();
	if (!role) throw invalidParam(param, id);
	return role;
}

/** CloudStack refuses every change to a default (built-in) role; its rules also live in code. */
export function refuseDefaultRole(role: RoleRow, verb: string): void {
	if (role.isDefault) throw permissionDenied(`Default roles cannot be ${verb}: ${role.name}`);
}

/** A role type as typed (any case), or a 431. */
export function parseRoleType(raw: string): RoleType {
	const type = ROLE_TYPES.find((t) => t.toLowerCase() === raw.trim().toLowerCase());
	if (!type)
		throw new CsError(ERROR.paramError, `Invalid role type provided: ${raw}; valid types are ${ROLE_TYPES.join(", ")}`);
	return type;
}

/** A non-empty role name no other role has (names compare case-insensitively), or a 431. */
export async function checkRoleName(db: Db, raw: string, exceptId?: string): Promise<string> {
	const name = raw.trim();
	if (name === "") throw new CsError(ERROR.paramError, "Invalid role name provided: the name must not be empty");
	const clash = await db.select({ id: roles.id }).from(roles).where(sql`lower(${roles.name}) = lower(${name})`).all();
	if (clash.some((r) => r.id !== exceptId)) {
		throw new CsError(ERROR.paramError, `Role with name ${name} already exists`);
	}
	return name;
}

/** How many live accounts use the role. */
export async function accountsInRole(db: Db, roleId: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(accounts)
		.where(and(eq(accounts.roleId, roleId), isNull(accounts.removed)));
	return row?.n ?? 0;
}

/** The role's rules in their order. */
export function rulesOf(db: Db, roleId: string): Promise<RolePermissionRow[]> {
	return db
		.select()
		.from(rolePermissions)
		.where(eq(rolePermissions.roleId, roleId))
		.orderBy(rolePermissions.sortOrder, rolePermissions.id)
		.all();
}

/** "allow" or "deny" (any case), or a 431 naming the parameter. */
export function parsePermission(raw: string): "allow" | "deny" {
	const value = raw.trim().toLowerCase();
	if (value !== "allow" && value !== "deny") {
		throw new CsError(ERROR.paramError, `Invalid parameter permission value=${raw}: allowed values are allow and deny`);
	}
	return value;
}
