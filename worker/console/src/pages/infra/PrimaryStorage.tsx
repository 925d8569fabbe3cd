/**
 * @module Primary storage pools (cluster- or zone-wide): add (createStoragePool), enable/disable
 * (updateStoragePool enabled), maintenance (async jobs), delete.
 */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import {
	ActionButton,
	cascade,
	DeleteButton,
	FormModal,
	formatBytes,
	ModalButton,
	RowActions,
	usage,
	useOptions,
} from "./shared";

const MAINTENANCE = ["PrepareForMaintenance", "Maintenance", "ErrorInMaintenance"];

export function PrimaryStorage(_props: { params: Record<string, string | undefined> }) {
	const zones = useOptions("listZones", "zone");
	return (
		<ListPage
			title="Primary storage"
			command="listStoragePools"
			listKey="storagepool"
			filters={[
				{ param: "zoneid", label: "Zone", options: zones },
				{
					param: "scope",
					label: "Scope",
					options: [
						{ value: "CLUSTER", label: "Cluster" },
						{ value: "ZONE", label: "Zone" },
					],
				},
			]}
			actions={<ModalButton label="Add primary storage">{(close) => <AddPool onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{ label: "Scope", value: "scope" },
				{ label: "Type", value: "type" },
				{ label: "Path", value: (row) => `${row.ipaddress ?? ""}:${row.path ?? ""}` },
				{ label: "Cluster", value: "clustername" },
				{ label: "Zone", value: "zonename" },
				{ label: "Allocated / total", value: (row) => usage(row.disksizeallocated, row.disksizetotal) },
				{ label: "Used", value: (row) => formatBytes(row.disksizeused) },
				{ label: "Actions", value: (row) => <PoolActions row={row} /> },
			]}
		/>
	);
}

function PoolActions({ row }: { row: Row }) {
	const state = String(row.state);
	const inMaintenance = MAINTENANCE.includes(state);
	return (
		<RowActions>
			{(state === "Up" || state === "Disabled") && (
				<ActionButton
					subject={String(row.name)}
					label={state === "Up" ? "Disable" : "Enable"}
					command="updateStoragePool"
					params={{ id: row.id, enabled: state !== "Up" }}
					color={state === "Up" ? "gray" : "green"}
				/>
			)}
			{inMaintenance ? (
				<ActionButton
					subject={String(row.name)}
					label="Cancel maintenance"
					command="cancelStorageMaintenance"
					params={{ id: row.id }}
					async
					color="orange"
				/>
			) : (
				<ActionButton
					subject={String(row.name)}
					label="Enable maintenance"
					command="enableStorageMaintenance"
					params={{ id: row.id }}
					async
					color="orange"
				/>
			)}
			<DeleteButton command="deleteStoragePool" row={row} what="primary storage" />
		</RowActions>
	);
}

/** createStoragePool: a cluster's pool (zone → pod → cluster) or, with scope zone, the whole zone's. */
function AddPool({ onClose }: { onClose(): void }) {
	const form = useApiForm({ scope: "cluster", zoneid: "", podid: "", clusterid: "", name: "", url: "", tags: "" });
	const cluster = form.values.scope === "cluster";
	const zones = useOptions("listZones", "zone");
	const pods = useOptions("listPods", "pod", { zoneid: form.values.zoneid }, cluster && form.values.zoneid !== "");
	const clusters = useOptions(
		"listClusters",
		"cluster",
		{ podid: form.values.podid },
		cluster && form.values.podid !== "",
	);
	return (
		<FormModal
			title="Add primary storage"
			form={form}
			submitLabel="Add primary storage"
			onClose={onClose}
			onSubmit={(values) =>
				call("createStoragePool", {
					...values,
					podid: cluster ? values.podid : undefined,
					clusterid: cluster ? values.clusterid : undefined,
					hypervisor: cluster ? undefined : "KVM",
					provider: "DefaultPrimary",
				})
			}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select
					label="Scope"
					allowDeselect={false}
					data={[
						{ value: "cluster", label: "Cluster" },
						{ value: "zone", label: "Zone" },
					]}
					{...form.input("scope")}
				/>
				<Select label="Zone" required data={zones} {...cascade(form, "zoneid", "podid", "clusterid")} />
				{cluster && <Select label="Pod" required data={pods} {...cascade(form, "podid", "clusterid")} />}
				{cluster && <Select label="Cluster" required data={clusters} {...form.input("clusterid")} />}
				<TextInput label="Name" required {...form.input("name")} />
				<TextInput
					label="URL"
					required
					description="nfs://server/path, SharedMountPoint://host/path or file://host/path"
					{...form.input("url")}
				/>
				<TextInput label="Storage tags" {...form.input("tags")} />
			</SimpleGrid>
		</FormModal>
	);
}
