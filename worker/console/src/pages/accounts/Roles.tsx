/**
 * @module Roles (root admin): the roles; create one (of a type or as a copy), edit its name and
 * description, delete it; and per role, in a drawer, its ordered permission rules
 * (roles/RolePermissions.tsx). Default roles are shown with the same actions: the API's refusal
 * (default roles cannot be changed) is the one source of that rule.
 */
import { Button, Drawer } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useRefresh } from "../../api/queries";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { CreateRole, EditRole } from "./roles/RoleForms";
import { RolePermissions } from "./roles/RolePermissions";

export function Roles(_props: { params: Record<string, string | undefined> }) {
	const [creating, setCreating] = useState(false);
	const [editing, setEditing] = useState<Row | null>(null);
	const [role, setRole] = useState<Row | null>(null);
	// The drawer keeps its role while it slides out, so its title does not go blank on close.
	const [drawerOpen, setDrawerOpen] = useState(false);
	const refresh = useRefresh();
	return (
		<ListPage
			title="Roles"
			command="listRoles"
			listKey="role"
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Type", value: "type" },
				{ label: "Description", value: "description" },
				{ label: "Default", value: (row) => (row.isdefault ? "Yes" : "No") },
				{
					label: "Actions",
					value: (row) => (
						<RowActions>
							<Button
								size="xs"
								variant="light"
								aria-label={`Permissions of ${row.name}`}
								onClick={() => {
									setRole(row);
									setDrawerOpen(true);
								}}
							>
								Permissions
							</Button>
							<Button size="xs" variant="light" aria-label={`Edit ${row.name}`} onClick={() => setEditing(row)}>
								Edit
							</Button>
							<ConfirmButton
								label="Delete"
								title={`Delete role ${row.name}`}
								message="The role and its rules are removed. The API refuses default roles and roles that accounts use."
								onConfirm={async () => {
									await call("deleteRole", { id: row.id });
									await refresh();
								}}
							/>
						</RowActions>
					),
				},
			]}
			actions={<Button onClick={() => setCreating(true)}>Add role</Button>}
		>
			<CreateRole opened={creating} onClose={() => setCreating(false)} />
			{editing && <EditRole role={editing} onClose={() => setEditing(null)} />}
			<Drawer
				opened={drawerOpen}
				onClose={() => setDrawerOpen(false)}
				title={`Permissions of ${role?.name ?? ""}`}
				size="xl"
				position="right"
			>
				{role && <RolePermissions role={role} />}
			</Drawer>
		</ListPage>
	);
}
