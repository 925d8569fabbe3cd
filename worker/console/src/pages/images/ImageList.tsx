/**
 * @module The Templates and ISOs pages: one list per ImageKind, with CloudStack's filter
 * (Mine / Featured / Community / All), the download progress of images not yet ready (polled every
 * 2 s while any is downloading) and the register, edit, extract, copy and delete actions.
 */
import { Badge, Button, Group, Progress, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Row } from "../../api/client";
import { formatBytes } from "../../api/format";
import { useJobs } from "../../api/jobs";
import { useList } from "../../api/queries";
import { useSession } from "../../api/session";
import { ConfirmModal } from "../../components/ConfirmButton";
import type { Column } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";
import { RowActions, RowButton } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { CopyImage, EditImage, ExtractImage } from "./ImageDialogs";
import { downloadPercent, type ImageKind } from "./kinds";
import { RegisterImage } from "./RegisterImage";

const FILTERS = [
	{ value: "self", label: "Mine" },
	{ value: "featured", label: "Featured" },
	{ value: "community", label: "Community" },
	{ value: "all", label: "All" },
];

const POLL_MS = 2000;

type Dialog = { kind: "register" } | { kind: "edit" | "extract" | "copy" | "delete"; image: Row };

function isDownloading(image: Row): boolean {
	return downloadPercent(image.status) !== undefined || String(image.status ?? "").startsWith("Waiting");
}

/** Ready, or the status text with a progress bar while the zone copy downloads. */
function DownloadState({ image }: { image: Row }) {
	if (image.isready) return <StateBadge state="Ready" />;
	const percent = downloadPercent(image.status);
	return (
		<Stack gap={4} miw={160}>
			<Text size="sm">{image.status ?? "Not downloaded"}</Text>
			{percent !== undefined && (
				<Progress value={percent} aria-label={`Download of ${image.name}: ${percent}%`} size="sm" />
			)}
		</Stack>
	);
}

export function ImageList({ kind }: { kind: ImageKind }) {
	const { isRootAdmin } = useSession();
	const { run } = useJobs();
	// CloudStack's UI opens on "all" for admins and on the user's own images otherwise.
	const [filter, setFilter] = useState(isRootAdmin ? "all" : "self");
	const [dialog, setDialog] = useState<Dialog | null>(null);
	// A probe for images not ready under the same filter, so that a download on another page polls
	// too. Each list also polls on its own rows: the two are fetched at different moments, and a
	// download may finish between them. A failed download is not ready either, but will not change.
	const pollWhileDownloading = (rows: Row[]) => (rows.some(isDownloading) ? POLL_MS : undefined);
	const probe = useList(
		kind.list,
		kind.listKey,
		{ [kind.filterParam]: filter, isready: false, pagesize: 50 },
		pollWhileDownloading,
	);
	const downloadingElsewhere = (probe.data?.rows ?? []).some(isDownloading);
	const close = () => setDialog(null);

	const columns: Column[] = [
		{ label: "Name", value: "name" },
		{ label: "State", value: (image) => <DownloadState image={image} /> },
		...(kind.hasFormat ? [{ label: "Format", value: "format" }] : []),
		{ label: "Zone", value: (image) => image.zonename ?? "—" },
		{ label: "Size", value: (image) => formatBytes(image.size) },
		{ label: "OS type", value: (image) => image.ostypename ?? "—" },
		{
			label: "Visibility",
			value: (image) => (
				<Group gap={4}>
					{image.ispublic && <Badge variant="outline">Public</Badge>}
					{image.isfeatured && <Badge variant="outline">Featured</Badge>}
					{!image.ispublic && !image.isfeatured && <Text size="sm">Private</Text>}
				</Group>
			),
		},
		{ label: "Account", value: "account" },
		{
			label: "Actions",
			value: (image) => (
				<RowActions>
					<RowButton onClick={() => setDialog({ kind: "edit", image })}>Edit</RowButton>
					<RowButton disabled={!image.isready} onClick={() => setDialog({ kind: "extract", image })}>
						Download
					</RowButton>
					<RowButton disabled={!image.isready} onClick={() => setDialog({ kind: "copy", image })}>
						Copy
					</RowButton>
					<RowButton color="red" onClick={() => setDialog({ kind: "delete", image })}>
						Delete
					</RowButton>
				</RowActions>
			),
		},
	];

	return (
		<>
			<ListPage
				rowKey={(image) => `${image.id}/${image.zoneid ?? ""}`}
				title={kind.plural}
				command={kind.list}
				listKey={kind.listKey}
				params={{ [kind.filterParam]: filter }}
				columns={columns}
				refetchMs={(rows) => (downloadingElsewhere ? POLL_MS : pollWhileDownloading(rows))}
				empty={`No ${kind.plural.toLowerCase()} under this filter.`}
				actions={
					<>
						<Select
							aria-label={`Filter ${kind.plural.toLowerCase()}`}
							data={FILTERS}
							value={filter}
							allowDeselect={false}
							onChange={(value) => setFilter(value ?? "all")}
							w={140}
						/>
						<Button onClick={() => setDialog({ kind: "register" })}>Register {kind.word}</Button>
					</>
				}
			/>
			{dialog?.kind === "register" && <RegisterImage kind={kind} onClose={close} />}
			{dialog?.kind === "edit" && <EditImage kind={kind} image={dialog.image} onClose={close} />}
			{dialog?.kind === "extract" && <ExtractImage kind={kind} image={dialog.image} onClose={close} />}
			{dialog?.kind === "copy" && <CopyImage kind={kind} image={dialog.image} onClose={close} />}
			{dialog?.kind === "delete" && (
				<ConfirmModal
					title={`Delete ${kind.word} ${dialog.image.name}`}
					message={`Delete ${dialog.image.name} from zone ${dialog.image.zonename ?? "—"}? Instances already deployed from it keep running.`}
					confirmLabel="Delete"
					onConfirm={() =>
						run(kind.remove, { id: dialog.image.id, zoneid: dialog.image.zoneid }, `Delete ${dialog.image.name}`)
					}
					onClose={close}
				/>
			)}
		</>
	);
}
