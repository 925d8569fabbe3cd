/**
 * @module The tabs of an instance's page: its NICs (from the VM row), volumes, snapshots (VM
 * snapshots and each volume's snapshots), events (listEvents resourceid) and async jobs. A tab
 * asks the API only once it is opened.
 */
import { Stack, Tabs, Title } from "@mantine/core";
import { useState } from "react";
import type { Row } from "../../api/client";
import { useList } from "../../api/queries";
import { DataTable } from "../../components/DataTable";
import { StateBadge } from "../../components/StateBadge";
import { JOB_COLUMNS } from "../jobs/jobColumns";
import { when } from "./format";

const GB = 1024 ** 3;

function ListTable({
	command,
	listKey,
	params,
	columns,
	empty,
	refetchMs,
}: {
	command: string;
	listKey: string;
	params: Record<string, string | number | boolean>;
	columns: Parameters<typeof DataTable>[0]["columns"];
	empty: string;
	refetchMs?: number;
}) {
	const list = useList(command, listKey, params, refetchMs);
	return <DataTable columns={columns} rows={list.data?.rows ?? []} loading={list.isPending} empty={empty} />;
}

function Nics({ vm }: { vm: Row }) {
	return (
		<DataTable
			columns={[
				{ label: "Device", value: "deviceid" },
				{ label: "Network", value: "networkname" },
				{ label: "IP address", value: "ipaddress" },
				{ label: "Netmask", value: "netmask" },
				{ label: "Gateway", value: "gateway" },
				{ label: "MAC address", value: "macaddress" },
				{ label: "Default", value: (nic) => (nic.isdefault ? "Yes" : "No") },
			]}
			rows={(vm.nic as Row[] | undefined) ?? []}
			empty="No NICs."
		/>
	);
}

const VOLUME_COLUMNS = [
	{ label: "Name", value: "name" },
	{ label: "Type", value: "type" },
	{ label: "State", value: (v: Row) => <StateBadge state={v.state} /> },
	{ label: "Size", value: (v: Row) => (v.size ? `${Math.round((Number(v.size) / GB) * 10) / 10} GB` : "") },
	{ label: "Storage", value: "storage" },
	{ label: "Created", value: (v: Row) => when(v.created) },
];

function useVolumes(vm: Row) {
	return useList("listVolumes", "volume", { virtualmachineid: vm.id, listall: true, page: 1, pagesize: 100 });
}

function Volumes({ vm }: { vm: Row }) {
	const volumes = useVolumes(vm);
	return (
		<DataTable
			columns={VOLUME_COLUMNS}
			rows={volumes.data?.rows ?? []}
			loading={volumes.isPending}
			empty="No volumes."
		/>
	);
}

const SNAPSHOT_COLUMNS = [
	{ label: "Name", value: "name" },
	{ label: "State", value: (s: Row) => <StateBadge state={s.state} /> },
	{ label: "Type", value: (s: Row) => s.snapshottype ?? s.type ?? "" },
	{ label: "Created", value: (s: Row) => when(s.created) },
];

function Snapshots({ vm }: { vm: Row }) {
	const volumes = useVolumes(vm);
	return (
		<Stack>
			<Title order={4}>VM snapshots</Title>
			<ListTable
				command="listVMSnapshot"
				listKey="vmSnapshot"
				params={{ virtualmachineid: vm.id, listall: true, page: 1, pagesize: 50 }}
				columns={[
					{ label: "Name", value: (s) => s.displayname ?? s.name },
					{ label: "State", value: (s) => <StateBadge state={s.state} /> },
					{ label: "Memory", value: (s) => (s.type === "DiskAndMemory" ? "Yes" : "No") },
					{ label: "Current", value: (s) => (s.current ? "Yes" : "No") },
					{ label: "Created", value: (s) => when(s.created) },
				]}
				empty="No VM snapshots."
			/>
			{/* One listSnapshots per volume: a VM has a handful of volumes, not thousands. */}
			{(volumes.data?.rows ?? []).map((volume) => (
				<Stack key={volume.id} gap="xs">
					<Title order={4}>Snapshots of {volume.name}</Title>
					<ListTable
						command="listSnapshots"
						listKey="snapshot"
						params={{ volumeid: volume.id, listall: true, page: 1, pagesize: 50 }}
						columns={SNAPSHOT_COLUMNS}
						empty="No snapshots of this volume."
					/>
				</Stack>
			))}
		</Stack>
	);
}

function Events({ vm }: { vm: Row }) {
	return (
		<ListTable
			command="listEvents"
			listKey="event"
			params={{ resourceid: vm.id, listall: true, page: 1, pagesize: 50 }}
			columns={[
				{ label: "Type", value: "type" },
				{ label: "Level", value: "level" },
				{ label: "State", value: "state" },
				{ label: "Description", value: "description" },
				{ label: "User", value: "username" },
				{ label: "Created", value: (e) => when(e.created) },
			]}
			empty="No events for this instance."
		/>
	);
}

/** listAsyncJobs cannot filter by instance: the newest 100 jobs, this VM's picked out here. */
function Jobs({ vm, transitional }: { vm: Row; transitional: boolean }) {
	const jobs = useList(
		"listAsyncJobs",
		"asyncjobs",
		{ listall: true, page: 1, pagesize: 100 },
		transitional ? 2000 : undefined,
	);
	const mine = (jobs.data?.rows ?? []).filter((job) => job.jobinstanceid === vm.id);
	return (
		<DataTable
			columns={JOB_COLUMNS}
			rows={mine}
			rowKey={(job) => String(job.jobid)}
			loading={jobs.isPending}
			empty="No recent jobs on this instance."
		/>
	);
}

export function InstanceTabs({ vm, transitional }: { vm: Row; transitional: boolean }) {
	const [tab, setTab] = useState<string | null>("nics");
	return (
		<Tabs value={tab} onChange={setTab} keepMounted={false}>
			<Tabs.List>
				<Tabs.Tab value="nics">NICs</Tabs.Tab>
				<Tabs.Tab value="volumes">Volumes</Tabs.Tab>
				<Tabs.Tab value="snapshots">Snapshots</Tabs.Tab>
				<Tabs.Tab value="events">Events</Tabs.Tab>
				<Tabs.Tab value="jobs">Jobs</Tabs.Tab>
			</Tabs.List>
			<Tabs.Panel value="nics" pt="md">
				<Nics vm={vm} />
			</Tabs.Panel>
			<Tabs.Panel value="volumes" pt="md">
				<Volumes vm={vm} />
			</Tabs.Panel>
			<Tabs.Panel value="snapshots" pt="md">
				<Snapshots vm={vm} />
			</Tabs.Panel>
			<Tabs.Panel value="events" pt="md">
				<Events vm={vm} />
			</Tabs.Panel>
			<Tabs.Panel value="jobs" pt="md">
				<Jobs vm={vm} transitional={transitional} />
			</Tabs.Panel>
		</Tabs>
	);
}
