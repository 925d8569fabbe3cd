/**
 * @module Users: list, create in an account, enable/disable, change a password, delete, and
 * generate API keys. A new key pair's secret is shown once (SecretOnce) and dropped from state when
 * its dialog closes; the list shows API keys, never secrets, and getUserKeys is not used.
 */
import { Button, Code, Group, PasswordInput, Select } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useJobs } from "../../api/jobs";
import { useList, useRefresh } from "../../api/queries";
import { useSession } from "../../api/session";
import { ActionButton } from "../../components/ActionButton";
import { ConfirmButton } from "../../components/ConfirmButton";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { SecretOnce } from "../../components/SecretOnce";
import { StateBadge } from "../../components/StateBadge";
import { NEW_USER, UserFields } from "./shared/UserFields";

interface KeyPair {
	username: string;
	apikey: string;
	secretkey: string;
}

export function Users(_props: { params: Record<string, string | undefined> }) {
	const [creating, setCreating] = useState(false);
	const [passwordOf, setPasswordOf] = useState<Row | null>(null);
	// The only place a secret key lives, until its dialog closes.
	const [keys, setKeys] = useState<KeyPair | null>(null);
	const refresh = useRefresh();
	return (
		<ListPage
			title="Users"
			command="listUsers"
			listKey="user"
			columns={[
				{ label: "Username", value: "username" },
				{ label: "Account", value: "account" },
				{ label: "Domain", value: "domainpath" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{
					label: "API key",
					value: (row) => (row.apikey ? <Code title={row.apikey}>{`${String(row.apikey).slice(0, 12)}…`}</Code> : "—"),
				},
				{
					label: "Actions",
					value: (row) => (
						<UserActions user={row} onPassword={() => setPasswordOf(row)} onKeys={(pair) => setKeys(pair)} />
					),
				},
			]}
			actions={<Button onClick={() => setCreating(true)}>Add user</Button>}
		>
			<CreateUser opened={creating} onClose={() => setCreating(false)} />
			{passwordOf && <ChangePassword user={passwordOf} onClose={() => setPasswordOf(null)} />}
			{keys && (
				<SecretOnce
					title={`API keys of ${keys.username}`}
					fields={[
						{ label: "API key", value: keys.apikey },
						{ label: "Secret key", value: keys.secretkey },
					]}
					onClose={() => {
						setKeys(null);
						void refresh();
					}}
				/>
			)}
		</ListPage>
	);
}

function CreateUser({ opened, onClose }: { opened: boolean; onClose(): void }) {
	// The form picks an account by id; the API wants its name and domain (createUser account + domainid).
	const form = useApiForm({ ...NEW_USER, accountid: "" }, { accountid: "account" });
	const accounts = useList("listAccounts", "account", { listall: true, page: 1, pagesize: 500 }).data?.rows ?? [];
	const refresh = useRefresh();
	return (
		<FormModal
			opened={opened}
			onClose={onClose}
			title="Add user"
			form={form}
			submitLabel="Add user"
			action={({ accountid, ...user }) => {
				const account = accounts.find((row) => row.id === accountid);
				return call("createUser", { ...user, account: account?.name, domainid: account?.domainid });
			}}
			onDone={refresh}
		>
			<Select
				label="Account"
				required
				searchable
				data={accounts.map((row) => ({ value: String(row.id), label: `${row.name} (${row.domainpath})` }))}
				{...form.input("accountid")}
			/>
			<UserFields form={form} />
		</FormModal>
	);
}

function ChangePassword({ user, onClose }: { user: Row; onClose(): void }) {
	const { user: me } = useSession();
	// The API asks for the current password only when users change their own.
	const self = me?.userid === user.id;
	const form = useApiForm({ password: "", currentpassword: "" });
	return (
		<FormModal
			opened
			onClose={onClose}
			title={`Change password of ${user.username}`}
			form={form}
			submitLabel="Change password"
			action={(values) => call("updateUser", { id: user.id, ...values })}
		>
			{self && <PasswordInput label="Current password" required {...form.input("currentpassword")} />}
			<PasswordInput label="New password" required autoComplete="new-password" {...form.input("password")} />
		</FormModal>
	);
}

function UserActions({ user, onPassword, onKeys }: { user: Row; onPassword(): void; onKeys(pair: KeyPair): void }) {
	const { run } = useJobs();
	const refresh = useRefresh();
	const name = String(user.username);
	return (
		<Group gap="xs" wrap="nowrap">
			{user.state === "enabled" ? (
				<ConfirmButton
					label="Disable"
					color="orange"
					title={`Disable user ${name}`}
					message="The user can no longer log in or use API keys."
					onConfirm={() => run("disableUser", { id: user.id }, `Disable user ${name}`)}
				/>
			) : (
				<ActionButton
					label="Enable"
					action={async () => {
						await call("enableUser", { id: user.id });
						await refresh();
					}}
				/>
			)}
			<Button size="xs" variant="light" onClick={onPassword}>
				Change password
			</Button>
			<ConfirmButton
				label="Generate keys"
				color="blue"
				confirmLabel="Generate"
				title={`Generate API keys for ${name}`}
				message="A new API key and secret key replace the user's current pair; requests signed with the old pair stop working. The secret key is shown once."
				onConfirm={async () => {
					const answer = await call("registerUserKeys", { id: user.id });
					const pair = answer.userkeys ?? {};
					onKeys({ username: name, apikey: String(pair.apikey ?? ""), secretkey: String(pair.secretkey ?? "") });
				}}
			/>
			<ConfirmButton
				label="Delete"
				title={`Delete user ${name}`}
				message="The user is deleted; the account and its resources stay."
				onConfirm={async () => {
					await call("deleteUser", { id: user.id });
					await refresh();
				}}
			/>
		</Group>
	);
}
