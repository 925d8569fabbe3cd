/** @module Pods of a zone with their management IP range(s); add (createPod), enable/disable, delete. */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { useZoneOptions } from "../../api/options";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { ALLOCATION_FILTER, AllocationButton, DeleteButton, ModalButton, useZoneFilter } from "./shared";

/** A pod's ranges as "start – end", one a line (a pod may have several). */
function ranges(row: Row): string {
	const list = (row.ipranges as Row[] | undefined) ?? [];
	return list.map((range) => `${range.startip} – ${range.endip}`).join("\n");
}

export function Pods(_props: { params: Record<string, string | undefined> }) {
	const zoneFilter = useZoneFilter();
	return (
		<ListPage
			title="Pods"
			command="listPods"
			listKey="pod"
			filters={[zoneFilter, ALLOCATION_FILTER]}
			actions={<ModalButton label="Add pod">{(close) => <AddPod onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Zone", value: "zonename" },
				{ label: "Allocation state", value: (row) => <StateBadge state={row.allocationstate} /> },
				{ label: "Gateway", value: "gateway" },
				{ label: "Netmask", value: "netmask" },
				{ label: "IP range", value: (row) => <span style={{ whiteSpace: "pre-line" }}>{ranges(row)}</span> },
				{
					label: "Actions",
					value: (row) => (
						<RowActions wrap="wrap">
							<AllocationButton command="updatePod" row={row} />
							<DeleteButton command="deletePod" row={row} what="pod" />
						</RowActions>
					),
				},
			]}
		/>
	);
}

function AddPod({ onClose }: { onClose(): void }) {
	const zones = useZoneOptions();
	const form = useApiForm({ zoneid: "", name: "", gateway: "", netmask: "", startip: "", endip: "" });
	return (
		<FormModal
			title="Add pod"
			form={form}
			submitLabel="Add pod"
			onClose={onClose}
			noValidate
			action={(v) => call("createPod", v)}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Zone" required data={zones} {...form.input("zoneid")} />
				<TextInput label="Name" required {...form.input("name")} />
				<TextInput label="Reserved system gateway" {...form.input("gateway")} />
				<TextInput label="Reserved system netmask" {...form.input("netmask")} />
				<TextInput label="Start reserved system IP" {...form.input("startip")} />
				<TextInput label="End reserved system IP" {...form.input("endip")} />
			</SimpleGrid>
		</FormModal>
	);
}
