/**
 * @module Roles (root admin): the roles and, per role, its ordered permission rules. Our API has
 * listRoles and listRolePermissions only (no createRole/deleteRole or permission changes), so the
 * page is read-only.
 */
import { Badge, Button, Drawer, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";
import { DataTable } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";

export function Roles(_props: { params: Record<string, string | undefined> }) {
	const [role, setRole] = useState<Row | null>(null);
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
						<Button size="xs" variant="light" onClick={() => setRole(row)}>
							Permissions
						</Button>
					),
				},
			]}
		>
			<Drawer
				opened={role !== null}
				onClose={() => setRole(null)}
				title={`Permissions of ${role?.name ?? ""}`}
				size="xl"
				position="right"
			>
				{role && <RolePermissions role={role} />}
			</Drawer>
		</ListPage>
	);
}

function RolePermissions({ role }: { role: Row }) {
	const query = useList("listRolePermissions", "rolepermission", { roleid: role.id });
	return (
		<Stack>
			<Text size="sm" c="dimmed">
				Rules apply in order; the first rule that matches a command decides.
			</Text>
			{query.error && <Text c="red">{errorText(query.error)}</Text>}
			<DataTable
				loading={query.isPending}
				rows={query.data?.rows ?? []}
				empty="This role has no permission rules."
				columns={[
					{ label: "Rule", value: "rule" },
					{
						label: "Permission",
						value: (row) => (
							<Badge variant="light" color={row.permission === "allow" ? "green" : "red"}>
								{row.permission}
							</Badge>
						),
					},
					{ label: "Description", value: "description" },
				]}
			/>
		</Stack>
	);
}
