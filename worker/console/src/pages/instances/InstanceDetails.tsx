/**
 * @module One instance (#/instances/:id): its summary, the lifecycle buttons (the same VmActions
 * as the list's menu) and its tabs. While the VM is in a transitional state (Starting, Stopping,
 * Migrating…) or has a pending job, it is polled every 2 s so the page follows it by itself.
 */
import { Alert, Anchor, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "wouter";
import type { Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";
import { StateBadge } from "../../components/StateBadge";
import { imageOf, ipOf, when } from "./format";
import { InstanceTabs } from "./InstanceTabs";
import { VmActions } from "./VmActions";
import { isTransitional } from "./vmStates";

const POLL_MS = 2000;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
	return (
		<Stack gap={2}>
			<Text size="xs" c="dimmed" tt="uppercase" fw={600}>
				{label}
			</Text>
			<Text size="sm" component="div">
				{children || "—"}
			</Text>
		</Stack>
	);
}

function Summary({ vm }: { vm: Row }) {
	return (
		<Card withBorder>
			<SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
				<Field label="State">
					<StateBadge state={vm.state} />
				</Field>
				<Field label="IP address">{ipOf(vm)}</Field>
				<Field label="Host">{vm.hostname}</Field>
				<Field label="Zone">{vm.zonename}</Field>
				<Field label={vm.isoid && !vm.templatename ? "ISO" : "Template"}>{imageOf(vm)}</Field>
				<Field label="Compute offering">{vm.serviceofferingname}</Field>
				<Field label="CPU">{vm.cpunumber ? `${vm.cpunumber} × ${vm.cpuspeed} MHz` : ""}</Field>
				<Field label="Memory">{vm.memory ? `${vm.memory} MB` : ""}</Field>
				<Field label="OS">{vm.osdisplayname}</Field>
				<Field label="Owner">{vm.account ? `${vm.account} (${vm.domain})` : ""}</Field>
				<Field label="Instance name">{vm.instancename}</Field>
				<Field label="Created">{when(vm.created)}</Field>
			</SimpleGrid>
		</Card>
	);
}

export function InstanceDetails({ params }: { params: Record<string, string | undefined> }) {
	const id = params.id ?? "";
	const first = useList("listVirtualMachines", "virtualmachine", { id, listall: true });
	const vm = first.data?.rows[0];
	const moving = isTransitional(vm?.state) || Boolean(vm?.jobid);
	// Same query key as above with a poll interval: react-query polls it while the VM is moving.
	useList("listVirtualMachines", "virtualmachine", { id, listall: true }, moving ? POLL_MS : undefined);

	const back = (
		<Anchor component={Link} href="/instances" size="sm">
			← Instances
		</Anchor>
	);
	if (first.isPending) return <Loader aria-label="Loading" />;
	if (first.error) {
		return (
			<Stack>
				{back}
				<Alert color="red" role="alert">
					{errorText(first.error)}
				</Alert>
			</Stack>
		);
	}
	if (!vm) {
		return (
			<Stack>
				{back}
				<Alert color="yellow">This instance does not exist (any more): it may have been expunged.</Alert>
			</Stack>
		);
	}
	return (
		<Stack gap="md">
			{back}
			<Group justify="space-between" wrap="wrap">
				<Group gap="sm">
					<Title order={2}>{vm.displayname ?? vm.name}</Title>
					<StateBadge state={vm.state} />
					{moving && <Loader size="xs" aria-label="Updating" />}
				</Group>
				<VmActions vm={vm} layout="buttons" />
			</Group>
			{vm.displayname && vm.displayname !== vm.name && <Text c="dimmed">Host name {vm.name}</Text>}
			<Summary vm={vm} />
			<InstanceTabs vm={vm} transitional={moving} />
		</Stack>
	);
}
