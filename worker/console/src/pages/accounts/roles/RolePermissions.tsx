/**
 * @module A role's permission rules (the Roles page's drawer): the ordered list, and for a custom
 * role adding a rule, switching one between allow and deny, deleting one and moving one up or down.
 * Moving sends the whole new order (updateRolePermission ruleorder), as CloudStack's UI does.
 */
import { ActionIcon, Alert, Badge, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowDown, IconArrowUp } from "@tabler/icons-react";
import { useState } from "react";
import { call, type Row } from "../../../api/client";
import { errorText } from "../../../api/errors";
import { useApiForm } from "../../../api/form";
import { useList, useRefresh } from "../../../api/queries";
import { ConfirmButton } from "../../../components/ConfirmButton";
import { DataTable } from "../../../components/DataTable";

const PERMISSIONS = [
	{ value: "allow", label: "Allow" },
	{ value: "deny", label: "Deny" },
];

export function RolePermissions({ role }: { role: Row }) {
	const query = useList("listRolePermissions", "rolepermission", { roleid: role.id });
	const rules = query.data?.rows ?? [];
	const [busy, setBusy] = useState(false);
	const refresh = useRefresh();
	const editable = !role.isdefault;

	/** One rule change at a time; a refusal becomes a notification, the list is re-read either way. */
	const change = async (what: string, params: Record<string, string>) => {
		setBusy(true);
		try {
			await call("updateRolePermission", { roleid: role.id, ...params });
		} catch (error) {
			notifications.show({ color: "red", title: `${what} failed`, message: errorText(error) });
		} finally {
			setBusy(false);
			await refresh();
		}
	};
	const move = (index: number, by: -1 | 1) => {
		const ids = rules.map((rule) => String(rule.id));
		[ids[index], ids[index + by]] = [ids[index + by] ?? "", ids[index] ?? ""];
		void change("Moving the rule", { ruleorder: ids.join(",") });
	};

	return (
		<Stack>
			<Text size="sm" c="dimmed">
				Rules apply in order; the first rule that matches a command decides. Commands no rule matches follow the role
				type's defaults.
			</Text>
			{!editable && (
				<Alert color="gray">Default roles cannot be changed; copy this role to make one with other rules.</Alert>
			)}
			{query.error && (
				<Alert color="red" role="alert">
					{errorText(query.error)}
				</Alert>
			)}
			{editable && <AddRule roleId={String(role.id)} />}
			<DataTable
				loading={query.isPending}
				rows={rules}
				empty="This role has no permission rules."
				columns={[
					{ label: "#", value: (row) => rules.indexOf(row) + 1 },
					{ label: "Rule", value: "rule" },
					{
						label: "Permission",
						value: (row) =>
							editable ? (
								<Select
									aria-label={`Permission of rule ${row.rule}`}
									size="xs"
									w={110}
									allowDeselect={false}
									disabled={busy}
									data={PERMISSIONS}
									value={String(row.permission)}
									onChange={(value) =>
										value && value !== row.permission
											? void change("Changing the rule", { ruleid: String(row.id), permission: value })
											: undefined
									}
								/>
							) : (
								<Badge variant="light" color={row.permission === "allow" ? "green" : "red"}>
									{row.permission}
								</Badge>
							),
					},
					{ label: "Description", value: "description" },
					...(editable
						? [
								{
									label: "Actions",
									value: (row: Row) => {
										const index = rules.indexOf(row);
										return (
											<Group gap={4} wrap="nowrap">
												<ActionIcon
													variant="subtle"
													aria-label={`Move rule ${row.rule} up`}
													disabled={busy || index === 0}
													onClick={() => move(index, -1)}
												>
													<IconArrowUp size={16} />
												</ActionIcon>
												<ActionIcon
													variant="subtle"
													aria-label={`Move rule ${row.rule} down`}
													disabled={busy || index === rules.length - 1}
													onClick={() => move(index, 1)}
												>
													<IconArrowDown size={16} />
												</ActionIcon>
												<ConfirmButton
													label="Delete"
													title={`Delete rule ${row.rule}`}
													message={`The ${row.permission} rule ${row.rule} is removed from role ${role.name}.`}
													onConfirm={async () => {
														await call("deleteRolePermission", { id: row.id });
														await refresh();
													}}
												/>
											</Group>
										);
									},
								},
							]
						: []),
				]}
			/>
		</Stack>
	);
}

/** The add-rule form: a 431 (bad rule text, a rule already there) shows under its field. */
function AddRule({ roleId }: { roleId: string }) {
	const form = useApiForm({ rule: "", permission: "deny", description: "" });
	const refresh = useRefresh();
	const add = async () => {
		const done = await form.submit((values) => call("createRolePermission", { roleid: roleId, ...values }));
		if (done === undefined) return;
		form.reset();
		await refresh();
	};
	return (
		<form
			aria-label="Add a rule"
			onSubmit={(event) => {
				event.preventDefault();
				void add();
			}}
		>
			<Group align="flex-start" gap="xs" wrap="wrap">
				<TextInput label="Rule" placeholder="listVirtualMachines or list*" required {...form.input("rule")} />
				<Select label="Permission" w={110} allowDeselect={false} data={PERMISSIONS} {...form.input("permission")} />
				<TextInput label="Rule description" {...form.input("description")} />
				<Button type="submit" mt={24} loading={form.submitting}>
					Add rule
				</Button>
			</Group>
			{form.formError && (
				<Alert mt="xs" color="red" role="alert">
					{form.formError}
				</Alert>
			)}
		</form>
	);
}
