import { eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { forgetRoleRules } from "../../db/repos/callers";
import { refuseDefaultRole, requireRole } from "../../db/repos/roles";
import { rolePermissions } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteRolePermission = defineCommand({
	name: "deleteRolePermission",
	description: "Deletes a role permission",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: { id: p.uuid("ID of the role permission", { required: true, related: "listRolePermissions" }) },
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const rule = await deps.db.select().from(rolePermissions).where(eq(rolePermissions.id, params.id)).get();
		if (!rule) throw invalidParam("id", params.id);
		const role = await requireRole(deps.db, rule.roleId, "id");
		refuseDefaultRole(role, "changed");
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(rolePermissions).where(eq(rolePermissions.id, rule.id)),
			eventInsert(deps.db, now, caller, {
				type: "ROLE.PERMISSION.DELETE",
				description: `Rule ${rule.permission} ${rule.rule} removed from role ${role.name}`,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: role.name,
			}),
		]);
		forgetRoleRules(role.id);
		return { type: "success" };
	},
});
