/**
 * @module Accounts: list, create (with its first user), enable, disable or lock, delete. Disabling
 * and deleting are async jobs in the API, followed with useJobs.
 */
import { Button, Group, Select, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useDomainOptions, useRoleOptions } from "../../api/options";
import { useRefresh } from "../../api/queries";
import { ActionButton } from "../../components/ActionButton";
import { ConfirmButton } from "../../components/ConfirmButton";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import { NEW_USER, UserFields } from "./shared/UserFields";

const STATES = ["enabled", "disabled", "locked"].map((state) => ({ value: state, label: state }));

export function Accounts(_props: { params: Record<string, string | undefined> }) {
	const [creating, setCreating] = useState(false);
	return (
		<ListPage
			title="Accounts"
			command="listAccounts"
			listKey="account"
			filters={[{ param: "state", label: "State", options: STATES }]}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Type", value: "roletype" },
				{ label: "Role", value: "rolename" },
				{ label: "Domain", value: "domainpath" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{ label: "Actions", value: (row) => <AccountActions account={row} /> },
			]}
			actions={<Button onClick={() => setCreating(true)}>Add account</Button>}
		>
			<CreateAccount opened={creating} onClose={() => setCreating(false)} />
		</ListPage>
	);
}

function CreateAccount({ opened, onClose }: { opened: boolean; onClose(): void }) {
	const form = useApiForm({ ...NEW_USER, account: "", roleid: "", domainid: "" });
	const roles = useRoleOptions();
	const domains = useDomainOptions();
	const refresh = useRefresh();
	return (
		<FormModal
			opened={opened}
			onClose={onClose}
			title="Add account"
			form={form}
			submitLabel="Add account"
			action={(values) => call("createAccount", values)}
			onDone={refresh}
		>
			<UserFields form={form} />
			<TextInput label="Account name" description="Defaults to the username" {...form.input("account")} />
			<Select label="Role" required data={roles} {...form.input("roleid")} />
			<Select
				label="Domain"
				description="Defaults to your own domain"
				data={domains}
				searchable
				clearable
				{...form.input("domainid")}
			/>
		</FormModal>
	);
}

function AccountActions({ account }: { account: Row }) {
	const { run } = useJobs();
	const refresh = useRefresh();
	const name = String(account.name);
	const enabled = account.state === "enabled";
	return (
		<Group gap="xs" wrap="nowrap">
			{!enabled && (
				<ActionButton
					label="Enable"
					action={async () => {
						await call("enableAccount", { id: account.id });
						await refresh();
					}}
				/>
			)}
			{enabled && (
				<>
					<ConfirmButton
						label="Disable"
						color="orange"
						title={`Disable account ${name}`}
						message="Its users can no longer log in or use their API keys, and its instances are stopped."
						onConfirm={() => run("disableAccount", { id: account.id, lock: false }, `Disable account ${name}`)}
					/>
					<ConfirmButton
						label="Lock"
						color="orange"
						title={`Lock account ${name}`}
						message="Its users can no longer log in; its resources keep running."
						onConfirm={() => run("disableAccount", { id: account.id, lock: true }, `Lock account ${name}`)}
					/>
				</>
			)}
			<ConfirmButton
				label="Delete"
				title={`Delete account ${name}`}
				message="The account, its users and all its resources are deleted."
				onConfirm={() => run("deleteAccount", { id: account.id }, `Delete account ${name}`)}
			/>
		</Group>
	);
}
