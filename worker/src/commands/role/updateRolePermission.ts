import { and, eq, sql } from "drizzle-orm";
import { CsError, ERROR, invalidParam } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { forgetRoleRules } from "../../db/repos/callers";
import { parsePermission, refuseDefaultRole, requireRole, rulesOf } from "../../db/repos/roles";
import { rolePermissions } from "../../db/schema";
import { isUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const updateRolePermission = defineCommand({
	name: "updateRolePermission",
	description: "Updates a role permission order or the permission of one rule",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		roleid: p.uuid("ID of the role", { required: true, related: "listRoles" }),
		ruleorder: p.list("The IDs of all the rules of the role, in their new order", {
			related: "listRolePermissions",
		}),
		ruleid: p.uuid("Role permission rule id", { since: "4.11", related: "listRolePermissions" }),
		permission: p.string("Rule permission, can be: allow or deny", { since: "4.11" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const role = await requireRole(deps.db, params.roleid, "roleid");
		const single = params.ruleid !== undefined || params.permission !== undefined;
		if (params.ruleorder !== undefined && single) {
			throw new CsError(ERROR.paramError, "Parameters ruleid and permission cannot be used together with ruleorder");
		}
		if (params.ruleorder === undefined && !(params.ruleid !== undefined && params.permission !== undefined)) {
			throw new CsError(
				ERROR.paramError,
				"Either the parameter ruleorder, or both parameters ruleid and permission, must be provided",
			);
		}
		refuseDefaultRole(role, "changed");
		const rules = await rulesOf(deps.db, role.id);
		const now = deps.clock.now();
		const event = (description: string) =>
			eventInsert(deps.db, now, caller, {
				type: "ROLE.PERMISSION.UPDATE",
				description,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: role.name,
			});
		if (params.ruleorder !== undefined) {
			const bad = params.ruleorder.find((id) => !isUuid(id));
			if (bad !== undefined) throw invalidParam("ruleorder", bad);
			const order = params.ruleorder.map((id) => id.toLowerCase());
			const known = new Set(rules.map((r) => r.id));
			const complete =
				order.length === rules.length && new Set(order).size === order.length && order.every((id) => known.has(id));
			if (!complete) {
				throw new CsError(
					ERROR.paramError,
					`Invalid parameter ruleorder: it must list each of the ${rules.length} rule id(s) of role ${role.name} exactly once (reload and retry)`,
				);
			}
			// One statement: each rule's place is its index in the list (a rule added meanwhile goes last).
			await deps.db.batch([
				deps.db
					.update(rolePermissions)
					.set({
						sortOrder: sql`coalesce((select key from json_each(${JSON.stringify(order)}) where value = ${rolePermissions.id}), ${order.length} + ${rolePermissions.sortOrder})`,
					})
					.where(eq(rolePermissions.roleId, role.id)),
				event(`Rules of role ${role.name} reordered`),
			]);
		} else {
			const rule = rules.find((r) => r.id === params.ruleid);
			if (!rule) throw invalidParam("ruleid", params.ruleid ?? "");
			const permission = parsePermission(params.permission ?? "");
			await deps.db.batch([
				deps.db
					.update(rolePermissions)
					.set({ permission })
					.where(and(eq(rolePermissions.id, rule.id), eq(rolePermissions.roleId, role.id))),
				event(`Rule ${rule.rule} of role ${role.name} set to ${permission}`),
			]);
		}
		forgetRoleRules(role.id);
		return { type: "success" };
	},
});
