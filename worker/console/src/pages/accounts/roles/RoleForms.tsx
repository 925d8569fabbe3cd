/**
 * @module The role dialogs: create a role of a type or as a copy of another role (CloudStack 4.15+
 * copies its rules), and edit a role's name and description. The API refuses changes to default
 * roles; that refusal shows in the dialog like any other error.
 */
import { SegmentedControl, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../../api/client";
import { useApiForm } from "../../../api/form";
import { useRoleOptions } from "../../../api/options";
import { FormModal } from "../../../components/FormModal";

const ROLE_TYPES = ["Admin", "ResourceAdmin", "DomainAdmin", "User"].map((type) => ({ value: type, label: type }));

type Source = "type" | "copy";

export function CreateRole({ opened, onClose }: { opened: boolean; onClose(): void }) {
	const form = useApiForm({ name: "", type: "", roleid: "", description: "" });
	const [source, setSource] = useState<Source>("type");
	const roles = useRoleOptions();
	return (
		<FormModal
			opened={opened}
			onClose={onClose}
			title="Add role"
			form={form}
			submitLabel="Add role"
			// Only the chosen source is sent: the API refuses type and roleid together.
			action={(values) =>
				call("createRole", {
					name: values.name,
					description: values.description || undefined,
					...(source === "type" ? { type: values.type } : { roleid: values.roleid }),
				})
			}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<Stack gap={4}>
				<Text size="sm" fw={500} id="role-source-label">
					Start from
				</Text>
				<SegmentedControl
					aria-labelledby="role-source-label"
					value={source}
					onChange={(value) => setSource(value as Source)}
					data={[
						{ value: "type", label: "A role type" },
						{ value: "copy", label: "A copy of a role" },
					]}
				/>
			</Stack>
			{source === "type" ? (
				<Select label="Type" required data={ROLE_TYPES} {...form.input("type")} />
			) : (
				<Select
					label="Copy from role"
					description="The new role gets this role's type and its rules, in order"
					required
					searchable
					data={roles}
					{...form.input("roleid")}
				/>
			)}
			<Textarea label="Description" autosize minRows={2} {...form.input("description")} />
		</FormModal>
	);
}

export function EditRole({ role, onClose }: { role: Row; onClose(): void }) {
	const form = useApiForm({ name: String(role.name ?? ""), description: String(role.description ?? "") });
	return (
		<FormModal
			onClose={onClose}
			title={`Edit role ${role.name}`}
			form={form}
			submitLabel="Save"
			action={(values) =>
				call("updateRole", {
					id: role.id,
					// Sent only when changed, so an unchanged name is never checked against itself.
					name: values.name === role.name ? undefined : values.name,
					description: values.description,
				})
			}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<Textarea label="Description" autosize minRows={2} {...form.input("description")} />
		</FormModal>
	);
}
