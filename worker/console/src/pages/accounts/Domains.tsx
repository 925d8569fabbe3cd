/**
 * @module Domains (root admin): the domain tree as a list by path; create a sub-domain, rename,
 * delete (with the API's cleanup option for domains that still hold accounts or sub-domains).
 */
import { Button, Checkbox, Group, Select, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useDomainOptions } from "../../api/options";
import { useRefresh } from "../../api/queries";
import { ConfirmButton } from "../../components/ConfirmButton";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";

export function Domains(_props: { params: Record<string, string | undefined> }) {
	const [creating, setCreating] = useState(false);
	const [editing, setEditing] = useState<Row | null>(null);
	return (
		<ListPage
			title="Domains"
			command="listDomains"
			listKey="domain"
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Path", value: "path" },
				{ label: "Parent", value: (row) => row.parentdomainname ?? "—" },
				{ label: "Network domain", value: (row) => row.networkdomain ?? "" },
				{ label: "Actions", value: (row) => <DomainActions domain={row} onEdit={() => setEditing(row)} /> },
			]}
			actions={<Button onClick={() => setCreating(true)}>Add domain</Button>}
		>
			<CreateDomain opened={creating} onClose={() => setCreating(false)} />
			{editing && <EditDomain domain={editing} onClose={() => setEditing(null)} />}
		</ListPage>
	);
}

function CreateDomain({ opened, onClose }: { opened: boolean; onClose(): void }) {
	const form = useApiForm({ name: "", parentdomainid: "", networkdomain: "" });
	const domains = useDomainOptions();
	const refresh = useRefresh();
	return (
		<FormModal
			opened={opened}
			onClose={onClose}
			title="Add domain"
			form={form}
			submitLabel="Add domain"
			action={(values) => call("createDomain", values)}
			onDone={refresh}
		>
			<TextInput label="Name" required {...form.input("name")} />
			<Select
				label="Parent domain"
				description="Defaults to your own domain"
				data={domains}
				searchable
				clearable
				{...form.input("parentdomainid")}
			/>
			<TextInput label="Network domain" {...form.input("networkdomain")} />
		</FormModal>
	);
}

function EditDomain({ domain, onClose }: { domain: Row; onClose(): void }) {
	const form = useApiForm({ name: String(domain.name ?? ""), networkdomain: String(domain.networkdomain ?? "") });
	const refresh = useRefresh();
	return (
		<FormModal
			opened
			onClose={onClose}
			title={`Edit domain ${domain.path}`}
			form={form}
			submitLabel="Save"
			// The ROOT domain cannot be renamed: send the name only when it changed.
			action={(values) =>
				call("updateDomain", {
					id: domain.id,
					name: values.name === domain.name ? undefined : values.name,
					networkdomain: values.networkdomain,
				})
			}
			onDone={refresh}
		>
			<TextInput label="Name" {...form.input("name")} />
			<TextInput label="Network domain" {...form.input("networkdomain")} />
		</FormModal>
	);
}

function DomainActions({ domain, onEdit }: { domain: Row; onEdit(): void }) {
	const { run } = useJobs();
	const [cleanup, setCleanup] = useState(false);
	if (domain.level === 0) return null; // ROOT can be neither renamed nor deleted
	return (
		<Group gap="xs" wrap="nowrap">
			<Button size="xs" variant="light" onClick={onEdit}>
				Edit
			</Button>
			<ConfirmButton
				label="Delete"
				title={`Delete domain ${domain.path}`}
				message="The domain is removed. Without clean up, the API refuses a domain that still has sub-domains or accounts."
				onConfirm={() => run("deleteDomain", { id: domain.id, cleanup }, `Delete domain ${domain.name}`)}
			>
				<Checkbox
					label="Clean up: also delete its sub-domains, accounts and their resources"
					checked={cleanup}
					onChange={(event) => setCleanup(event.currentTarget.checked)}
				/>
			</ConfirmButton>
		</Group>
	);
}
