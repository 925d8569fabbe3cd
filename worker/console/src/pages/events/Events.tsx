/**
 * @module Events (listEvents): the audit trail, filtered by level and type on the API side, with a
 * row's whole record in a Drawer (and archive / delete from there, as CloudStack's UI offers).
 */
import { Button, Code, Drawer, Group, Select, Stack, Table } from "@mantine/core";
import { useState } from "react";
import { call, type Row, rowsOf } from "../../api/client";
import { formatDate } from "../../api/format";
import { useCall, useRefresh } from "../../api/queries";
import { ConfirmModal } from "../../components/ConfirmButton";
import type { Column } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import { LevelBadge } from "./LevelBadge";

const LEVELS = ["INFO", "WARN", "ERROR"].map((level) => ({ value: level, label: level }));

const DETAILS: [string, string][] = [
	["Type", "type"],
	["Level", "level"],
	["State", "state"],
	["Description", "description"],
	["Resource type", "resourcetype"],
	["Resource name", "resourcename"],
	["Resource ID", "resourceid"],
	["User", "username"],
	["Account", "account"],
	["Domain", "domainpath"],
	["Created", "created"],
	["Parent event", "parentid"],
	["ID", "id"],
];

function EventDrawer({ event, onClose }: { event: Row; onClose(): void }) {
	const refresh = useRefresh();
	const [deleting, setDeleting] = useState(false);
	const archive = async () => {
		await call("archiveEvents", { ids: event.id });
		await refresh();
		onClose();
	};
	return (
		<Drawer opened onClose={onClose} position="right" size="lg" title={`Event ${event.type}`}>
			<Stack>
				<Table>
					<Table.Tbody>
						{DETAILS.filter(([, field]) => event[field] !== undefined && event[field] !== "").map(([label, field]) => (
							<Table.Tr key={field}>
								<Table.Th w={140}>{label}</Table.Th>
								<Table.Td>
									{field === "created" ? (
										formatDate(event.created)
									) : (
										<Code bg="transparent">{String(event[field])}</Code>
									)}
								</Table.Td>
							</Table.Tr>
						))}
					</Table.Tbody>
				</Table>
				<Group>
					<Button variant="default" onClick={archive}>
						Archive
					</Button>
					<Button color="red" variant="light" onClick={() => setDeleting(true)}>
						Delete
					</Button>
				</Group>
			</Stack>
			{deleting && (
				<ConfirmModal
					title="Delete event"
					message={`Delete event ${event.type} of ${formatDate(event.created)}? It leaves the audit trail for good.`}
					confirmLabel="Delete"
					onConfirm={async () => {
						await call("deleteEvents", { ids: event.id });
						await refresh();
						onClose();
					}}
					onClose={() => setDeleting(false)}
				/>
			)}
		</Drawer>
	);
}

export function Events(_props: { params: Record<string, string | undefined> }) {
	const [type, setType] = useState<string | null>(null);
	const [shown, setShown] = useState<Row | null>(null);
	// 200+ event types: a searchable select of its own rather than ListPage's plain filter.
	const types = useCall("listEventTypes", {});
	const typeOptions = rowsOf(types.data ?? {}, "eventtype").map((row) => String(row.name));
	const columns: Column[] = [
		{ label: "Level", value: (event) => <LevelBadge level={event.level} /> },
		{ label: "Type", value: "type" },
		{ label: "State", value: (event) => <StateBadge state={event.state} /> },
		{ label: "Description", value: "description" },
		{ label: "Account", value: "account" },
		{ label: "Created", value: (event) => formatDate(event.created) },
	];
	return (
		<>
			<ListPage
				title="Events"
				command="listEvents"
				listKey="event"
				params={{ type: type ?? undefined }}
				columns={columns}
				filters={[{ param: "level", label: "Level", options: LEVELS }]}
				onRowClick={setShown}
				empty="No events match."
				actions={
					<Select
						aria-label="Event type"
						placeholder="Any type"
						data={typeOptions}
						value={type}
						onChange={setType}
						searchable
						clearable
						w={260}
					/>
				}
			/>
			{shown && <EventDrawer event={shown} onClose={() => setShown(null)} />}
		</>
	);
}
