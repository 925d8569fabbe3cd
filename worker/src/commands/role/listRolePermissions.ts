import { eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { ROLE_PERMISSION_FIELDS, rolePermissionView } from "../../db/repos/roles";
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
	responseFields: ROLE_PERMISSION_FIELDS,
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
		const items = rows.map(({ permission, role }) => rolePermissionView(permission, role));
		return { type: "list", name: "rolepermission", items, count: items.length };
	},
});
