/**
 * @module Instances (#/instances): one listVirtualMachines page of 20 rows with keyword, state and
 * zone filters on the API, each row with its lifecycle menu. Every column comes from the VM row
 * itself, so a cloud of 10,000 instances costs one call per page, nothing per row.
 */
import { Anchor, Button } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "wouter";
import type { Row } from "../../api/client";
import { useList } from "../../api/queries";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import { imageOf, ipOf, when } from "./format";
import { VmActions } from "./VmActions";
import { VM_STATES } from "./vmStates";

const COLUMNS = [
	{
		label: "Name",
		value: (vm: Row) => (
			<Anchor component={Link} href={`/instances/${vm.id}`} size="sm">
				{vm.displayname ?? vm.name}
			</Anchor>
		),
	},
	{ label: "State", value: (vm: Row) => <StateBadge state={vm.state} /> },
	{ label: "IP address", value: ipOf },
	{ label: "Template", value: imageOf },
	{ label: "Compute offering", value: "serviceofferingname" },
	{ label: "Host", value: "hostname" },
	{ label: "Zone", value: "zonename" },
	{ label: "Created", value: (vm: Row) => when(vm.created) },
	{ label: "Actions", value: (vm: Row) => <VmActions vm={vm} layout="menu" /> },
];

export function Instances(_props: { params: Record<string, string | undefined> }) {
	const zones = useList("listZones", "zone", { pagesize: 100, page: 1 });
	const filters = [
		{ param: "state", label: "State", options: VM_STATES.map((state) => ({ value: state, label: state })) },
		{
			param: "zoneid",
			label: "Zone",
			options: (zones.data?.rows ?? []).map((zone) => ({ value: String(zone.id), label: String(zone.name) })),
		},
	];
	return (
		<ListPage
			title="Instances"
			command="listVirtualMachines"
			listKey="virtualmachine"
			columns={COLUMNS}
			filters={filters}
			empty="No instances. Deploy one to get started."
			actions={
				<Button component={Link} href="/instances/deploy" leftSection={<IconPlus size={16} />}>
					Deploy
				</Button>
			}
		/>
	);
}
