/** @module KVM clusters of a pod; add (addCluster), enable/disable, manage/unmanage, delete. */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useOptions, useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import {
	ALLOCATION_FILTER,
	AllocationButton,
	CommandButton,
	cascade,
	DeleteButton,
	ModalButton,
	useZoneFilter,
} from "./shared";

export function Clusters(_props: { params: Record<string, string | undefined> }) {
	const zoneFilter = useZoneFilter();
	return (
		<ListPage
			title="Clusters"
			command="listClusters"
			listKey="cluster"
			filters={[zoneFilter, ALLOCATION_FILTER]}
			actions={<ModalButton label="Add cluster">{(close) => <AddCluster onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Allocation state", value: (row) => <StateBadge state={row.allocationstate} /> },
				{ label: "Managed state", value: "managedstate" },
				{ label: "Hypervisor", value: "hypervisortype" },
				{ label: "Arch", value: "arch" },
				{ label: "Pod", value: "podname" },
				{ label: "Zone", value: "zonename" },
				{
					label: "Actions",
					value: (row) => {
						const managed = row.managedstate === "Managed";
						return (
							<RowActions wrap="wrap">
								<AllocationButton command="updateCluster" row={row} />
								<CommandButton
									subject={String(row.name)}
									label={managed ? "Unmanage" : "Manage"}
									command="updateCluster"
									params={{ id: row.id, managedstate: managed ? "Unmanaged" : "Managed" }}
									color="gray"
								/>
								<DeleteButton command="deleteCluster" row={row} what="cluster" />
							</RowActions>
						);
					},
				},
			]}
		/>
	);
}

/** addCluster for KVM, the one hypervisor flarestack runs; CloudManaged is its only cluster type. */
function AddCluster({ onClose }: { onClose(): void }) {
	const form = useApiForm({ zoneid: "", podid: "", clustername: "", arch: "x86_64" });
	const zones = useZoneOptions();
	const pods = useOptions("listPods", "pod", { zoneid: form.values.zoneid }, { enabled: form.values.zoneid !== "" });
	return (
		<FormModal
			title="Add cluster"
			form={form}
			submitLabel="Add cluster"
			onClose={onClose}
			noValidate
			action={(values) => call("addCluster", { ...values, hypervisor: "KVM", clustertype: "CloudManaged" })}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Zone" required data={zones} {...cascade(form, "zoneid", "podid")} />
				<Select label="Pod" required data={pods} {...form.input("podid")} />
				<TextInput label="Cluster name" required {...form.input("clustername")} />
				<Select label="Arch" allowDeselect={false} data={["x86_64", "aarch64"]} {...form.input("arch")} />
			</SimpleGrid>
		</FormModal>
	);
}
