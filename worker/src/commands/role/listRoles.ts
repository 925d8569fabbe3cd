import { and, count, eq, inArray, like, type SQL } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { ROLE_FIELDS, roleView } from "../../db/repos/roles";
import { roles } from "../../db/schema";
import { isRootAdmin } from "../../domain/access";
import { ROLE_TYPES, type RoleType } from "../../domain/roles";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

/** Role types a non-root caller may see: its own type and those below it. */
const VISIBLE_TYPES: Record<RoleType, RoleType[]> = {
	Admin: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	ResourceAdmin: ["ResourceAdmin", "DomainAdmin", "User"],
	DomainAdmin: ["DomainAdmin", "User"],
	User: ["User"],
};

export const listRoles = defineCommand({
	name: "listRoles",
	description: "Lists dynamic roles in CloudStack",
	since: "4.9.0",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin"],
	params: {
		id: p.uuid("List role by role ID.", { related: "listRoles" }),
		name: p.string("List role by role name."),
		type: p.string("List role by role type, valid options are: Admin, ResourceAdmin, DomainAdmin, User."),
		state: p.string("List role by role type status, valid options are: Enabled, Disabled", { since: "4.20.0" }),
		...pagingParams,
	},
	responseFields: ROLE_FIELDS,
	async handle({ params, deps, caller }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		const filters: (SQL | undefined)[] = [];
		if (!isRootAdmin(caller)) {
			filters.push(inArray(roles.type, VISIBLE_TYPES[caller.roleType]), eq(roles.isPublic, true));
		}
		if (params.id) filters.push(eq(roles.id, params.id));
		if (params.name) filters.push(eq(roles.name, params.name));
		if (params.type) {
			const type = ROLE_TYPES.find((t) => t.toLowerCase() === params.type?.toLowerCase());
			if (!type) throw new CsError(ERROR.paramError, "Invalid role type provided");
			filters.push(eq(roles.type, type));
		}
		if (params.state && params.state.toLowerCase() !== "enabled") filters.push(eq(roles.id, ""));
		if (params.keyword) filters.push(like(roles.name, `%${params.keyword}%`));
		const where = and(...filters);
		const [rows, [total]] = await Promise.all([
			deps.db.select().from(roles).where(where).orderBy(roles.created, roles.id).limit(limit).offset(offset),
			deps.db.select({ n: count() }).from(roles).where(where),
		]);
		const items = rows.map(roleView);
		return { type: "list", name: "role", items, count: total?.n ?? 0 };
	},
});
