import { CsError, ERROR } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { checkRoleName, parseRoleType, ROLE_FIELDS, requireRole, roleView, rulesOf } from "../../db/repos/roles";
import { rolePermissions, roles } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const createRole = defineCommand({
	name: "createRole",
	description: "Creates a role",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("Creates a role with this unique name", { required: true }),
		type: p.string("The type of the role, valid options are: Admin, ResourceAdmin, DomainAdmin, User"),
		roleid: p.uuid("ID of the role to be cloned from. Either roleid or type must be passed in", {
			since: "4.15.0",
			related: "listRoles",
		}),
		description: p.string("The description of the role"),
		ispublic: p.boolean(
			"Indicates whether the role will be visible to all users (public) or only to root admins (private). Default is true.",
			{ since: "4.15.0" },
		),
	},
	responseFields: ROLE_FIELDS,
	related: ["listRoles", "updateRole"],
	async handle({ params, deps, caller }) {
		if (params.type !== undefined && params.roleid !== undefined) {
			throw new CsError(ERROR.paramError, "Both role type and role ID should not be specified");
		}
		if (params.type === undefined && params.roleid === undefined) {
			throw new CsError(ERROR.paramError, "Neither role type nor role ID is provided");
		}
		const source = params.roleid === undefined ? undefined : await requireRole(deps.db, params.roleid, "roleid");
		const type = source ? source.type : parseRoleType(params.type ?? "");
		const name = await checkRoleName(deps.db, params.name);
		// CloudStack 4.15+: a copy starts with the source role's rules, in their order.
		const copied = source ? await rulesOf(deps.db, source.id) : [];
		const now = deps.clock.now();
		const role = {
			id: newUuid(),
			name,
			type,
			description: params.description ?? "",
			isDefault: false,
			isPublic: params.ispublic ?? true,
			created: now,
		};
		await deps.db.batch([
			deps.db.insert(roles).values(role),
			...copied.map((rule, index) =>
				deps.db.insert(rolePermissions).values({
					id: newUuid(),
					roleId: role.id,
					rule: rule.rule,
					permission: rule.permission,
					description: rule.description,
					sortOrder: index,
				}),
			),
			eventInsert(deps.db, now, caller, {
				type: "ROLE.CREATE",
				description: source ? `Role ${name} created as a copy of ${source.name}` : `Role ${name} created`,
				resourceType: "Role",
				resourceId: role.id,
				resourceName: name,
			}),
		]);
		return { type: "object", name: "role", value: roleView(role) };
	},
});
