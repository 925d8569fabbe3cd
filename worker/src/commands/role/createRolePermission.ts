import { sql } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { forgetRoleRules } from "../../db/repos/callers";
import {
	parsePermission,
	ROLE_PERMISSION_FIELDS,
	refuseDefaultRole,
	requireRole,
	rolePermissionView,
	rulesOf,
} from "../../db/repos/roles";
import { rolePermissions } from "../../db/schema";
import { isValidRule } from "../../domain/roles";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const createRolePermission = defineCommand({
	name: "createRolePermission",
	description: "Adds an API permission to a role",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		roleid: p.uuid("ID of the role", { required: true, related: "listRoles" }),
		rule: p.string("The API name or wildcard rule such as list*", { required: true }),
		permission: p.string("The rule permission, allow or deny. Default: deny.", { required: true }),
		description: p.string("The description of the role permission"),
	},
	responseFields: ROLE_PERMISSION_FIELDS,
	related: ["listRolePermissions"],
	async handle({ params, deps, caller }) {
		const role = await requireRole(deps.db, params.roleid, "roleid");
		refuseDefaultRole(role, "changed");
		const rule = params.rule.trim();
		if (!isValidRule(rule)) {
			throw new CsError(ERROR.paramError, `Only API names and wildcards are allowed, invalid rule provided: ${rule}`);
		}
		const permission = parsePermission(params.permission);
		// One rule per API name or wildcard in a role, as CloudStack's unique (role_id, rule) key.
		const existing = await rulesOf(deps.db, role.id);
		if (existing.some((r) => r.rule.toLowerCase() === rule.toLowerCase())) {
			throw new CsError(ERROR.paramError, `The rule ${rule} already exists in role ${role.name}`);
		}
		const now = deps.clock.now();
		const row = {
			id: newUuid(),
			roleId: role.id,
			rule,
			permission,
			description: params.description ?? "",
			sortOrder: existing.length,
		};
		await deps.db.batch([
			// New rules go last; computed in SQL so two concurrent adds cannot share a place.
			deps.db.insert(rolePermissions).values({
				...row,
				sortOrder: sql`(select coalesce(max(${rolePermissions.sortOrder}), -1) + 1 from ${rolePermissions} where ${rolePermissions.roleId} = ${role.id})`,
			}),
			eventInsert(deps.db, now, caller, {
				type: "ROLE.PERMISSION.CREATE",
				description: `Rule ${permission} ${rule} added to role ${role.name}`,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: role.name,
			}),
		]);
		forgetRoleRules(role.id);
		return { type: "object", name: "rolepermission", value: rolePermissionView(row, role) };
	},
});
