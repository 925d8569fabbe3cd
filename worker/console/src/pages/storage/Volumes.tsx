/**
 * @module Volumes (listVolumes): ROOT and data disks with their instance and storage pool; create,
 * attach, detach, resize, snapshot and delete. Async commands run through useJobs().run.
 */
import { Anchor, Button } from "@mantine/core";
import { useState } from "react";
import { Link } from "wouter";
import { call, type Row } from "../../api/client";
import { formatBytes } from "../../api/format";
import { useJobs } from "../../api/jobs";
import { useRefresh } from "../../api/queries";
import { ConfirmModal } from "../../components/ConfirmButton";
import type { Column } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";
import { RowActions, RowButton } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { AttachVolume, CreateVolume, ResizeVolume, SnapshotVolume } from "./VolumeDialogs";

type Dialog = { kind: "create" } | { kind: "attach" | "detach" | "resize" | "snapshot" | "delete"; volume: Row };

const TYPES = [
	{ value: "ROOT", label: "ROOT" },
	{ value: "DATADISK", label: "DATADISK" },
];

export function Volumes(_props: { params: Record<string, string | undefined> }) {
	const { run } = useJobs();
	const refresh = useRefresh();
	const [dialog, setDialog] = useState<Dialog | null>(null);
	const close = () => setDialog(null);
	const open = (kind: "attach" | "detach" | "resize" | "snapshot" | "delete", volume: Row) => () =>
		setDialog({ kind, volume });

	const columns: Column[] = [
		{ label: "Name", value: "name" },
		{ label: "Type", value: "type" },
		{ label: "State", value: (volume) => <StateBadge state={volume.state} /> },
		{ label: "Size", value: (volume) => formatBytes(volume.size) },
		{
			label: "Instance",
			value: (volume) =>
				volume.virtualmachineid ? (
					<Anchor component={Link} href={`/instances/${volume.virtualmachineid}`}>
						{volume.vmdisplayname ?? volume.vmname}
					</Anchor>
				) : (
					"—"
				),
		},
		{ label: "Storage pool", value: (volume) => volume.storage ?? "—" },
		{ label: "Zone", value: "zonename" },
		{
			label: "Actions",
			value: (volume) => (
				<RowActions>
					{volume.virtualmachineid ? (
						<RowButton disabled={volume.type === "ROOT"} onClick={open("detach", volume)}>
							Detach
						</RowButton>
					) : (
						<RowButton onClick={open("attach", volume)}>Attach</RowButton>
					)}
					<RowButton onClick={open("resize", volume)}>Resize</RowButton>
					<RowButton onClick={open("snapshot", volume)}>Take snapshot</RowButton>
					<RowButton color="red" disabled={Boolean(volume.virtualmachineid)} onClick={open("delete", volume)}>
						Delete
					</RowButton>
				</RowActions>
			),
		},
	];

	return (
		<>
			<ListPage
				title="Volumes"
				command="listVolumes"
				listKey="volume"
				columns={columns}
				filters={[{ param: "type", label: "Type", options: TYPES }]}
				actions={<Button onClick={() => setDialog({ kind: "create" })}>Create volume</Button>}
			/>
			{dialog?.kind === "create" && <CreateVolume onClose={close} />}
			{dialog?.kind === "attach" && <AttachVolume volume={dialog.volume} onClose={close} />}
			{dialog?.kind === "resize" && <ResizeVolume volume={dialog.volume} onClose={close} />}
			{dialog?.kind === "snapshot" && <SnapshotVolume volume={dialog.volume} onClose={close} />}
			{dialog?.kind === "detach" && (
				<ConfirmModal
					title={`Detach volume ${dialog.volume.name}`}
					message={`Detach ${dialog.volume.name} from ${dialog.volume.vmname}? The instance loses the disk at once.`}
					confirmLabel="Detach"
					onConfirm={() => run("detachVolume", { id: dialog.volume.id }, `Detach ${dialog.volume.name}`)}
					onClose={close}
				/>
			)}
			{dialog?.kind === "delete" && (
				<ConfirmModal
					title={`Delete volume ${dialog.volume.name}`}
					message={`Delete ${dialog.volume.name} and its data? This cannot be undone.`}
					confirmLabel="Delete"
					onConfirm={async () => {
						// deleteVolume is synchronous in CloudStack: no job to follow.
						await call("deleteVolume", { id: dialog.volume.id });
						await refresh();
					}}
					onClose={close}
				/>
			)}
		</>
	);
}
