/**
 * @module Async jobs (#/jobs): the jobs started in this browser session first, with their progress
 * and result, then every job the caller may see (listAsyncJobs listall), newest first, polled so
 * pending ones settle on screen.
 */
import { Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { type TrackedJob, useJobs } from "../../api/jobs";
import { ListPage } from "../../components/ListPage";
import { JOB_COLUMNS, JobStatus } from "./jobColumns";

/** Re-renders every second while `on`, so "running for" counts up. */
function useTicking(on: boolean): number {
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		if (!on) return;
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, [on]);
	return now;
}

function progressOf(job: TrackedJob, now: number): string {
	const seconds = Math.max(0, Math.round((now - job.started) / 1000));
	if (job.status === 0) return `Running for ${seconds} s`;
	if (job.status === 2) return job.error ?? "Failed";
	const [key, value] = Object.entries(job.result ?? {})[0] ?? [];
	return key && value && typeof value === "object" ? `Done: ${key} ${value.name ?? value.id ?? ""}` : "Done";
}

function SessionJobs() {
	const { jobs } = useJobs();
	const now = useTicking(jobs.some((job) => job.status === 0));
	return (
		<Card withBorder>
			<Stack gap="xs">
				<Title order={3} size="h4">
					Started in this session
				</Title>
				{jobs.length === 0 ? (
					<Text c="dimmed" size="sm">
						No jobs started from this browser since you logged in.
					</Text>
				) : (
					<Table>
						<Table.Thead>
							<Table.Tr>
								<Table.Th>Job</Table.Th>
								<Table.Th>Status</Table.Th>
								<Table.Th>Progress</Table.Th>
							</Table.Tr>
						</Table.Thead>
						<Table.Tbody>
							{jobs.map((job) => (
								<Table.Tr key={job.jobid}>
									<Table.Td>{job.label}</Table.Td>
									<Table.Td>
										<JobStatus status={job.status} />
									</Table.Td>
									<Table.Td>
										<Group gap="xs" wrap="nowrap">
											{job.status === 0 && <Loader size="xs" aria-label="Running" />}
											<Text size="sm" c={job.status === 2 ? "red" : undefined}>
												{progressOf(job, now)}
											</Text>
										</Group>
									</Table.Td>
								</Table.Tr>
							))}
						</Table.Tbody>
					</Table>
				)}
			</Stack>
		</Card>
	);
}

export function Jobs(_props: { params: Record<string, string | undefined> }) {
	return (
		<ListPage
			title="Async jobs"
			command="listAsyncJobs"
			listKey="asyncjobs"
			columns={JOB_COLUMNS}
			refetchMs={5000}
			empty="No async jobs."
		>
			<SessionJobs />
		</ListPage>
	);
}
