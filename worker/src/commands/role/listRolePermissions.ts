import { eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { rolePermissions, roles } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const listRolePermissions = defineCommand({
	name: "listRolePermissions",
	description: "Lists role permissions: the ordered allow/deny rules of a role",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: { roleid: p.uuid("ID of the role", { related: "listRoles" }) },
	responseFields: {
		id: ["string", "the ID of the role permission"],
		roleid: ["string", "the ID of the role to which the role permission belongs"],
		rolename: ["string", "the name of the role to which the role permission belongs"],
		roletype: ["string", "the type of the role to which the role permission belongs"],
		rule: ["string", "the api name or wildcard rule"],
		permission: ["string", "the permission type of the api name or wildcard rule, allow/deny"],
		description: ["string", "the description of the role permission"],
	},
	async handle({ params, deps }) {
		if (
			params.roleid &&
			!(await deps.db.select({ id: roles.id }).from(roles).where(eq(roles.id, params.roleid)).get())
		) {
			throw invalidParam("roleid", params.roleid);
		}
		const query = deps.db
			.select({ permission: rolePermissions, role: roles })
			.from(rolePermissions)
			.innerJoin(roles, eq(roles.id, rolePermissions.roleId));
		const rows = await (params.roleid ? query.where(eq(rolePermissions.roleId, params.roleid)) : query).orderBy(
			rolePermissions.roleId,
			rolePermissions.sortOrder,
		);
		const items = rows.map(({ permission, role }) => ({
			id: permission.id,
			roleid: role.id,
			rolename: role.name,
			roletype: role.type,
			rule: permission.rule,
			permission: permission.permission,
			description: permission.description,
		}));
		return { type: "list", name: "rolepermission", items, count: items.length };
	},
});
