import { createRole } from "./createRole";
import { createRolePermission } from "./createRolePermission";
import { deleteRole } from "./deleteRole";
import { deleteRolePermission } from "./deleteRolePermission";
import { listRolePermissions } from "./listRolePermissions";
import { listRoles } from "./listRoles";
import { updateRole } from "./updateRole";
import { updateRolePermission } from "./updateRolePermission";

export const roleCommands = [
	listRoles,
	listRolePermissions,
	createRole,
	updateRole,
	deleteRole,
	createRolePermission,
	updateRolePermission,
	deleteRolePermission,
];
