import { and, eq, isNull, notExists } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { forgetRoleRules } from "../../db/repos/callers";
import { accountsInRole, refuseDefaultRole, requireRole } from "../../db/repos/roles";
import { accounts, rolePermissions, roles } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteRole = defineCommand({
	name: "deleteRole",
	description: "Deletes a role",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: { id: p.uuid("ID of the role", { required: true, related: "listRoles" }) },
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const role = await requireRole(deps.db, params.id, "id");
		refuseDefaultRole(role, "deleted");
		const inUse = await accountsInRole(deps.db, role.id);
		if (inUse > 0) {
			throw permissionDenied(
				`Found accounts that have role in use, won't allow to delete role ${role.name} (${inUse} account(s))`,
			);
		}
		const now = deps.clock.now();
		// Checked again in SQL: an account created with this role since the count keeps it alive.
		const unused = notExists(
			deps.db
				.select({ id: accounts.id })
				.from(accounts)
				.where(and(eq(accounts.roleId, role.id), isNull(accounts.removed))),
		);
		await deps.db.batch([
			deps.db.delete(rolePermissions).where(and(eq(rolePermissions.roleId, role.id), unused)),
			deps.db.delete(roles).where(and(eq(roles.id, role.id), unused)),
			eventInsert(deps.db, now, caller, {
				type: "ROLE.DELETE",
				description: `Role ${role.name} deleted`,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: role.name,
			}),
		]);
		forgetRoleRules(role.id);
		return { type: "success" };
	},
});
