/** @module Zones: the top of the infrastructure tree; add (createZone), enable/disable, delete. */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { call } from "../../api/client";
import { useApiForm } from "../../api/form";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { StateBadge } from "../../components/StateBadge";
import { ALLOCATION_FILTER, AllocationButton, DeleteButton, ModalButton } from "./shared";

export function Zones(_props: { params: Record<string, string | undefined> }) {
	return (
		<ListPage
			title="Zones"
			command="listZones"
			listKey="zone"
			filters={[ALLOCATION_FILTER]}
			actions={<ModalButton label="Add zone">{(close) => <AddZone onClose={close} />}</ModalButton>}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Network type", value: "networktype" },
				{ label: "Allocation state", value: (row) => <StateBadge state={row.allocationstate} /> },
				{ label: "DNS", value: (row) => [row.dns1, row.dns2].filter(Boolean).join(", ") },
				{ label: "Internal DNS", value: (row) => [row.internaldns1, row.internaldns2].filter(Boolean).join(", ") },
				{
					label: "Actions",
					value: (row) => (
						<RowActions wrap="wrap">
							<AllocationButton command="updateZone" row={row} />
							<DeleteButton command="deleteZone" row={row} what="zone" />
						</RowActions>
					),
				},
			]}
		/>
	);
}

/** createZone's form: CloudStack creates a zone Disabled until it has pods, hosts and storage. */
function AddZone({ onClose }: { onClose(): void }) {
	const form = useApiForm({
		name: "",
		networktype: "Basic",
		dns1: "",
		dns2: "",
		internaldns1: "",
		internaldns2: "",
		guestcidraddress: "",
		domain: "",
	});
	const advanced = form.values.networktype === "Advanced";
	return (
		<FormModal
			title="Add zone"
			form={form}
			submitLabel="Add zone"
			onClose={onClose}
			noValidate
			action={(values) =>
				call("createZone", { ...values, guestcidraddress: advanced ? values.guestcidraddress : undefined })
			}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<TextInput label="Name" required {...form.input("name")} />
				<Select
					label="Network type"
					required
					allowDeselect={false}
					data={["Basic", "Advanced"]}
					{...form.input("networktype")}
				/>
				<TextInput label="IPv4 DNS 1" required {...form.input("dns1")} />
				<TextInput label="IPv4 DNS 2" {...form.input("dns2")} />
				<TextInput label="Internal DNS 1" required {...form.input("internaldns1")} />
				<TextInput label="Internal DNS 2" {...form.input("internaldns2")} />
				<TextInput label="Network domain" {...form.input("domain")} />
				{advanced && <TextInput label="Guest CIDR" {...form.input("guestcidraddress")} />}
			</SimpleGrid>
		</FormModal>
	);
}
