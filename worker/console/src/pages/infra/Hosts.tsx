/**
 * @module KVM hosts with their allocated CPU and memory (listHostsMetrics); add, enable/disable,
 * maintenance (async jobs: the host's instances are migrated away first), reconnect, delete.
 */

import { Checkbox, PasswordInput, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useOptions, useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import {
	CommandButton,
	cascade,
	DeleteButton,
	EnableButton,
	MAINTENANCE,
	MaintenanceButton,
	ModalButton,
} from "./shared";

const choices = (values: string[]) => values.map((value) => ({ value, label: value }));

export function Hosts(_props: { params: Record<string, string | undefined> }) {
	return (
		<ListPage
			title="Hosts"
			command="listHostsMetrics"
			listKey="host"
			params={{ type: "Routing" }}
			refetchMs={10_000}
			filters={[
				{ param: "state", label: "State", options: choices(["Up", "Down", "Disconnected", "Connecting", "Alert"]) },
				{
					param: "resourcestate",
					label: "Resource state",
					options: choices(["Enabled", "Disabled", ...MAINTENANCE]),
				},
			]}
			actions={<ModalButton label="Add host">{(close) => <AddHost onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{ label: "Resource state", value: (row) => <StateBadge state={row.resourcestate} /> },
				{ label: "IP address", value: "ipaddress" },
				{ label: "Cluster", value: "clustername" },
				{ label: "Zone", value: "zonename" },
				{ label: "Instances", value: "instances" },
				{
					label: "CPU allocated",
					value: (row) => `${row.cpuallocatedghz ?? "—"} / ${row.cputotalghz ?? "—"} (${row.cpuallocated ?? "0%"})`,
				},
				{
					label: "Memory allocated",
					value: (row) =>
						`${row.memoryallocatedgb ?? "—"} / ${row.memorytotalgb ?? "—"} (${row.memoryallocatedpercentage ?? "0%"})`,
				},
				{ label: "Actions", value: (row) => <HostActions row={row} /> },
			]}
		/>
	);
}

function HostActions({ row }: { row: Row }) {
	return (
		<RowActions wrap="wrap">
			{!MAINTENANCE.includes(String(row.resourcestate)) && (
				<EnableButton
					row={row}
					enabled={row.resourcestate === "Enabled"}
					command="updateHost"
					params={(enable) => ({ allocationstate: enable ? "Enable" : "Disable" })}
				/>
			)}
			<MaintenanceButton
				row={row}
				state={row.resourcestate}
				enter="prepareHostForMaintenance"
				cancel="cancelHostMaintenance"
			/>
			<CommandButton
				subject={String(row.name)}
				label="Reconnect"
				command="reconnectHost"
				params={{ id: row.id }}
				async
				color="gray"
			/>
			<DeleteHost row={row} />
		</RowActions>
	);
}

/** deleteHost wants the host in maintenance unless forced; instances on it block it either way. */
function DeleteHost({ row }: { row: Row }) {
	const [forced, setForced] = useState(false);
	return (
		<DeleteButton command="deleteHost" row={row} what="host" params={{ forced: forced || undefined }}>
			<Checkbox
				label="Force delete (the host is not in maintenance)"
				checked={forced}
				onChange={(event) => setForced(event.currentTarget.checked)}
			/>
		</DeleteButton>
	);
}

/** addHost: the zone's relay agent reaches the host's libvirtd (sim://… on the simulator). */
function AddHost({ onClose }: { onClose(): void }) {
	const form = useApiForm({ zoneid: "", podid: "", clusterid: "", url: "", username: "root", password: "" });
	const zones = useZoneOptions();
	const pods = useOptions("listPods", "pod", { zoneid: form.values.zoneid }, { enabled: form.values.zoneid !== "" });
	const clusters = useOptions(
		"listClusters",
		"cluster",
		{ podid: form.values.podid },
		{ enabled: form.values.podid !== "" },
	);
	return (
		<FormModal
			title="Add host"
			form={form}
			submitLabel="Add host"
			onClose={onClose}
			noValidate
			action={(values) => call("addHost", { ...values, hypervisor: "KVM" })}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Zone" required data={zones} {...cascade(form, "zoneid", "podid", "clusterid")} />
				<Select label="Pod" required data={pods} {...cascade(form, "podid", "clusterid")} />
				<Select label="Cluster" required data={clusters} {...form.input("clusterid")} />
				<TextInput
					label="Host URL"
					required
					description="qemu+tcp://host, qemu+ssh://host or host (sim://name on the simulator)"
					{...form.input("url")}
				/>
				<TextInput label="Username" {...form.input("username")} />
				<PasswordInput label="Password" {...form.input("password")} />
			</SimpleGrid>
		</FormModal>
	);
}
