/**
 * @module How an async job reads, on the jobs page and an instance's jobs tab: its status, the
 * command (CloudStack's class name, shortened), what it acted on, and its result or error text.
 */
import { Anchor, Badge } from "@mantine/core";
import { Link } from "wouter";
import type { Row } from "../../api/client";
import type { Column } from "../../components/DataTable";
import { when } from "../instances/format";

const STATUS = [
	{ label: "Pending", color: "blue" },
	{ label: "Succeeded", color: "green" },
	{ label: "Failed", color: "red" },
];

export function JobStatus({ status }: { status: number }) {
	const shown = STATUS[status] ?? { label: String(status), color: "gray" };
	return (
		<Badge variant="light" color={shown.color}>
			{shown.label}
		</Badge>
	);
}

/** "org.apache.cloudstack.api.command.user.vm.DeployVMCmd" → "DeployVMCmd". */
export function commandOf(cmd: unknown): string {
	return (
		String(cmd ?? "")
			.split(".")
			.pop() ?? ""
	);
}

/** The error text of a failed job; for a finished one, what it returned (e.g. "virtualmachine web-1"). */
export function resultOf(job: Row): string {
	const result = (job.jobresult ?? {}) as Row;
	if (Number(job.jobstatus) === 2) return String(result.errortext ?? "Failed");
	if (Number(job.jobstatus) === 0) return job.jobprocstatus ? `In progress (step ${job.jobprocstatus})` : "In progress";
	const [key, value] = Object.entries(result)[0] ?? [];
	if (!key) return "Done";
	if (value && typeof value === "object") return `${key} ${(value as Row).name ?? (value as Row).id ?? ""}`.trim();
	return `${key}: ${String(value)}`;
}

function InstanceCell({ job }: { job: Row }) {
	if (!job.jobinstanceid) return <>{job.jobinstancetype ?? ""}</>;
	if (job.jobinstancetype === "VirtualMachine") {
		return (
			<Anchor component={Link} href={`/instances/${job.jobinstanceid}`} size="sm">
				VirtualMachine {String(job.jobinstanceid).slice(0, 8)}
			</Anchor>
		);
	}
	return (
		<>
			{job.jobinstancetype} {String(job.jobinstanceid).slice(0, 8)}
		</>
	);
}

export const JOB_COLUMNS: Column[] = [
	{ label: "Status", value: (job) => <JobStatus status={Number(job.jobstatus)} /> },
	{ label: "Command", value: (job) => commandOf(job.cmd) },
	{ label: "Instance", value: (job) => <InstanceCell job={job} /> },
	{ label: "Created", value: (job) => when(job.created) },
	{ label: "Result", value: resultOf },
];
