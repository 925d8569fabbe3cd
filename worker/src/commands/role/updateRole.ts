import { eq } from "drizzle-orm";
import { permissionDenied } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { forgetRoleRules } from "../../db/repos/callers";
import {
	accountsInRole,
	checkRoleName,
	parseRoleType,
	ROLE_FIELDS,
	refuseDefaultRole,
	requireRole,
	roleView,
} from "../../db/repos/roles";
import { roles } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const updateRole = defineCommand({
	name: "updateRole",
	description: "Updates a role",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("ID of the role", { required: true, related: "listRoles" }),
		name: p.string("creates a role with this unique name"),
		type: p.string("The type of the role, valid options are: Admin, ResourceAdmin, DomainAdmin, User"),
		description: p.string("The description of the role"),
		ispublic: p.boolean(
			"Indicates whether the role will be visible to all users (public) or only to root admins (private).",
			{ since: "4.15.0" },
		),
	},
	responseFields: ROLE_FIELDS,
	related: ["listRoles", "createRole"],
	async handle({ params, deps, caller }) {
		const role = await requireRole(deps.db, params.id, "id");
		refuseDefaultRole(role, "updated");
		const name = params.name === undefined ? role.name : await checkRoleName(deps.db, params.name, role.id);
		const type = params.type === undefined ? role.type : parseRoleType(params.type);
		// An account's type follows its role's type; changing it under live accounts would split them.
		if (type !== role.type && (await accountsInRole(deps.db, role.id)) > 0) {
			throw permissionDenied(`The type of role ${role.name} cannot be changed while accounts use it`);
		}
		const changes = {
			name,
			type,
			description: params.description ?? role.description,
			isPublic: params.ispublic ?? role.isPublic,
		};
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.update(roles).set(changes).where(eq(roles.id, role.id)),
			eventInsert(deps.db, now, caller, {
				type: "ROLE.UPDATE",
				description: `Role ${name} updated`,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: name,
			}),
		]);
		forgetRoleRules(role.id);
		return { type: "object", name: "role", value: roleView({ ...role, ...changes }) };
	},
});
