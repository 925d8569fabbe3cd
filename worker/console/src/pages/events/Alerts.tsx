/**
 * @module Alerts (listAlerts, root admins): what the cloud raised about itself (hosts down, storage
 * full…). Archiving hides an alert, deleting removes it; both ask first.
 */
import { useState } from "react";
import { call, type Row, rowsOf } from "../../api/client";
import { formatDate } from "../../api/format";
import { useCall, useRefresh } from "../../api/queries";
import { ConfirmModal } from "../../components/ConfirmButton";
import type { Column } from "../../components/DataTable";
import { ListPage } from "../../components/ListPage";
import { RowActions, RowButton } from "../../components/RowActions";

type Pending = { action: "archive" | "delete"; alert: Row };

export function Alerts(_props: { params: Record<string, string | undefined> }) {
	const refresh = useRefresh();
	const [pending, setPending] = useState<Pending | null>(null);
	// listAlerts answers the numeric type; listAlertTypes names it (ALERT.HOST…).
	const types = useCall("listAlertTypes", {});
	const typeRows = rowsOf(types.data ?? {}, "alerttype");
	const typeName = new Map(typeRows.map((row) => [String(row.alerttypeid), String(row.name)]));
	const columns: Column[] = [
		{ label: "Type", value: (alert) => typeName.get(String(alert.type)) ?? String(alert.type ?? "—") },
		{ label: "Subject", value: (alert) => alert.description ?? alert.name },
		{ label: "Sent", value: (alert) => formatDate(alert.sent) },
		{
			label: "Actions",
			value: (alert) => (
				<RowActions>
					<RowButton onClick={() => setPending({ action: "archive", alert })}>Archive</RowButton>
					<RowButton color="red" onClick={() => setPending({ action: "delete", alert })}>
						Delete
					</RowButton>
				</RowActions>
			),
		},
	];
	return (
		<>
			<ListPage
				title="Alerts"
				command="listAlerts"
				listKey="alert"
				columns={columns}
				filters={[
					{
						param: "type",
						label: "Type",
						options: typeRows.map((row) => ({ value: String(row.alerttypeid), label: String(row.name) })),
					},
				]}
				empty="No alerts."
			/>
			{pending && (
				<ConfirmModal
					title={pending.action === "archive" ? "Archive alert" : "Delete alert"}
					message={`${pending.action === "archive" ? "Archive" : "Delete"} the alert “${pending.alert.description ?? pending.alert.name}”?${pending.action === "delete" ? " This cannot be undone." : ""}`}
					confirmLabel={pending.action === "archive" ? "Archive" : "Delete"}
					onConfirm={async () => {
						await call(pending.action === "archive" ? "archiveAlerts" : "deleteAlerts", { ids: pending.alert.id });
						await refresh();
					}}
					onClose={() => setPending(null)}
				/>
			)}
		</>
	);
}
