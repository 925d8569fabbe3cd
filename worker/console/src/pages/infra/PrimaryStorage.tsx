/**
 * @module Primary storage pools (cluster- or zone-wide): add (createStoragePool), enable/disable
 * (updateStoragePool enabled), maintenance (async jobs), delete.
 */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { CAPACITY, formatBytes, usage } from "../../api/format";
import { useOptions, useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { cascade, DeleteButton, EnableButton, MaintenanceButton, ModalButton, useZoneFilter } from "./shared";

export function PrimaryStorage(_props: { params: Record<string, string | undefined> }) {
	const zoneFilter = useZoneFilter();
	return (
		<ListPage
			title="Primary storage"
			command="listStoragePools"
			listKey="storagepool"
			filters={[
				zoneFilter,
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
				{ label: "Used", value: (row) => formatBytes(row.disksizeused, CAPACITY) },
				{ label: "Actions", value: (row) => <PoolActions row={row} /> },
			]}
		/>
	);
}

function PoolActions({ row }: { row: Row }) {
	const state = String(row.state);
	return (
		<RowActions wrap="wrap">
			{(state === "Up" || state === "Disabled") && (
				<EnableButton
					row={row}
					enabled={state === "Up"}
					command="updateStoragePool"
					params={(enable) => ({ enabled: enable })}
				/>
			)}
			<MaintenanceButton row={row} state={state} enter="enableStorageMaintenance" cancel="cancelStorageMaintenance" />
			<DeleteButton command="deleteStoragePool" row={row} what="primary storage" />
		</RowActions>
	);
}

/** createStoragePool: a cluster's pool (zone → pod → cluster) or, with scope zone, the whole zone's. */
function AddPool({ onClose }: { onClose(): void }) {
	const form = useApiForm({ scope: "cluster", zoneid: "", podid: "", clusterid: "", name: "", url: "", tags: "" });
	const cluster = form.values.scope === "cluster";
	const zones = useZoneOptions();
	const pods = useOptions(
		"listPods",
		"pod",
		{ zoneid: form.values.zoneid },
		{ enabled: cluster && form.values.zoneid !== "" },
	);
	const clusters = useOptions(
		"listClusters",
		"cluster",
		{ podid: form.values.podid },
		{ enabled: cluster && form.values.podid !== "" },
	);
	return (
		<FormModal
			title="Add primary storage"
			form={form}
			submitLabel="Add primary storage"
			onClose={onClose}
			noValidate
			action={(values) =>
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
