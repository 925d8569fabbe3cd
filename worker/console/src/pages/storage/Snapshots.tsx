/**
 * @module Snapshots, as CloudStack's UI splits them: volume snapshots (listSnapshots: create a
 * template from one, revert the volume to it, delete) and VM snapshots (listVMSnapshot: revert,
 * delete). Every action is an async job.
 */
import { Tabs } from "@mantine/core";
import { useState } from "react";
import type { Row } from "../../api/client";
import { formatBytes, formatDate } from "../../api/format";
import { useJobs } from "../../api/jobs";
import { ConfirmModal } from "../../components/ConfirmButton";
import type { Column } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";
import { RowActions, RowButton } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { TemplateFromSnapshot } from "./SnapshotDialogs";

/** What a confirmed action does: its title, message, button and job. */
interface Pending {
	title: string;
	message: string;
	confirmLabel: string;
	command: string;
	params: Record<string, string>;
}

/** A row button that asks first: its label is the confirm button's. */
function AskButton({ pending, confirm, color }: { pending: Pending; confirm(pending: Pending): void; color?: string }) {
	return (
		<RowButton color={color} onClick={() => confirm(pending)}>
			{pending.confirmLabel}
		</RowButton>
	);
}

function VolumeSnapshots({ confirm }: { confirm(pending: Pending): void }) {
	const [template, setTemplate] = useState<Row | null>(null);
	const columns: Column[] = [
		{ label: "Name", value: "name" },
		{ label: "Volume", value: (snapshot) => snapshot.volumename ?? "—" },
		{ label: "State", value: (snapshot) => <StateBadge state={snapshot.state} /> },
		{ label: "Type", value: (snapshot) => snapshot.intervaltype ?? snapshot.snapshottype ?? "—" },
		{ label: "Created", value: (snapshot) => formatDate(snapshot.created) },
		{ label: "Size", value: (snapshot) => formatBytes(snapshot.physicalsize ?? snapshot.virtualsize) },
		{
			label: "Actions",
			value: (snapshot) => (
				<RowActions>
					<RowButton disabled={snapshot.state !== "BackedUp"} onClick={() => setTemplate(snapshot)}>
						Create template
					</RowButton>
					{snapshot.revertable && (
						<AskButton
							confirm={confirm}
							pending={{
								title: `Revert to snapshot ${snapshot.name}`,
								message: `Revert volume ${snapshot.volumename} to ${snapshot.name}? What was written since is lost; its instance must be stopped.`,
								confirmLabel: "Revert",
								command: "revertSnapshot",
								params: { id: snapshot.id },
							}}
						/>
					)}
					<AskButton
						color="red"
						confirm={confirm}
						pending={{
							title: `Delete snapshot ${snapshot.name}`,
							message: `Delete snapshot ${snapshot.name} of ${snapshot.volumename}? This cannot be undone.`,
							confirmLabel: "Delete",
							command: "deleteSnapshot",
							params: { id: snapshot.id },
						}}
					/>
				</RowActions>
			),
		},
	];
	return (
		<>
			<ListPage title="Volume snapshots" command="listSnapshots" listKey="snapshot" columns={columns} />
			{template && <TemplateFromSnapshot snapshot={template} onClose={() => setTemplate(null)} />}
		</>
	);
}

function VmSnapshots({ confirm }: { confirm(pending: Pending): void }) {
	const columns: Column[] = [
		{ label: "Name", value: (snapshot) => snapshot.displayname ?? snapshot.name },
		{ label: "Instance", value: (snapshot) => snapshot.virtualmachinename ?? "—" },
		{ label: "State", value: (snapshot) => <StateBadge state={snapshot.state} /> },
		{ label: "Type", value: "type" },
		{ label: "Current", value: (snapshot) => (snapshot.current ? "Yes" : "No") },
		{ label: "Created", value: (snapshot) => formatDate(snapshot.created) },
		{
			label: "Actions",
			value: (snapshot) => {
				const name = String(snapshot.displayname ?? snapshot.name);
				return (
					<RowActions>
						<AskButton
							confirm={confirm}
							pending={{
								title: `Revert to VM snapshot ${name}`,
								message: `Revert ${snapshot.virtualmachinename} to ${name}? Its disks go back to the snapshot.`,
								confirmLabel: "Revert",
								command: "revertToVMSnapshot",
								params: { vmsnapshotid: snapshot.id },
							}}
						/>
						<AskButton
							color="red"
							confirm={confirm}
							pending={{
								title: `Delete VM snapshot ${name}`,
								message: `Delete VM snapshot ${name} of ${snapshot.virtualmachinename}? This cannot be undone.`,
								confirmLabel: "Delete",
								command: "deleteVMSnapshot",
								params: { vmsnapshotid: snapshot.id },
							}}
						/>
					</RowActions>
				);
			},
		},
	];
	return <ListPage title="VM snapshots" command="listVMSnapshot" listKey="vmSnapshot" columns={columns} />;
}

export function Snapshots(_props: { params: Record<string, string | undefined> }) {
	const { run } = useJobs();
	const [pending, setPending] = useState<Pending | null>(null);
	return (
		<>
			<Tabs defaultValue="volume" keepMounted={false}>
				<Tabs.List mb="md">
					<Tabs.Tab value="volume">Volume snapshots</Tabs.Tab>
					<Tabs.Tab value="vm">VM snapshots</Tabs.Tab>
				</Tabs.List>
				<Tabs.Panel value="volume">
					<VolumeSnapshots confirm={setPending} />
				</Tabs.Panel>
				<Tabs.Panel value="vm">
					<VmSnapshots confirm={setPending} />
				</Tabs.Panel>
			</Tabs>
			{pending && (
				<ConfirmModal
					title={pending.title}
					message={pending.message}
					confirmLabel={pending.confirmLabel}
					onConfirm={() => run(pending.command, pending.params, pending.title)}
					onClose={() => setPending(null)}
				/>
			)}
		</>
	);
}
