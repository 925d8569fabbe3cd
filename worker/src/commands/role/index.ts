import { listRolePermissions } from "./listRolePermissions";
import { listRoles } from "./listRoles";

export const roleCommands = [listRoles, listRolePermissions];
