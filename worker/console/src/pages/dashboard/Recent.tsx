/** @module The latest events and alerts, five each, with a link to their full lists. */
import { Anchor, Badge, Card, Group, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "wouter";
import type { Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";

const REFRESH_MS = 30_000;
const LEVEL_COLOURS: Record<string, string> = { INFO: "blue", WARN: "yellow", ERROR: "red" };

export function RecentEvents() {
	const events = useList("listEvents", "event", { page: 1, pagesize: 5 }, REFRESH_MS);
	return (
		<RecentCard
			title="Recent events"
			href="/events"
			all="All events"
			rows={events.data?.rows}
			error={events.error}
			render={(event) => (
				<>
					<Group gap="xs" wrap="nowrap">
						<Badge variant="light" color={LEVEL_COLOURS[event.level] ?? "gray"}>
							{event.level}
						</Badge>
						<Text size="sm" fw={500}>
							{event.type}
						</Text>
					</Group>
					<Text size="sm">{event.description}</Text>
					<Text size="xs" c="dimmed">
						{when(event.created)} · {event.username ?? event.account}
					</Text>
				</>
			)}
		/>
	);
}

export function RecentAlerts() {
	const alerts = useList("listAlerts", "alert", { page: 1, pagesize: 5 }, REFRESH_MS);
	return (
		<RecentCard
			title="Recent alerts"
			href="/alerts"
			all="All alerts"
			rows={alerts.data?.rows}
			error={alerts.error}
			empty="No alerts."
			render={(alert) => (
				<>
					<Text size="sm" fw={500}>
						{alert.name ?? alert.type}
					</Text>
					<Text size="sm">{alert.description}</Text>
					<Text size="xs" c="dimmed">
						{when(alert.sent)}
					</Text>
				</>
			)}
		/>
	);
}

const when = (date: string | undefined) => (date ? new Date(date).toLocaleString() : "");

function RecentCard({
	title,
	href,
	all,
	rows,
	error,
	empty = "Nothing yet.",
	render,
}: {
	title: string;
	href: string;
	all: string;
	rows: Row[] | undefined;
	error: unknown;
	empty?: string;
	render(row: Row): ReactNode;
}) {
	return (
		<Card withBorder>
			<Stack gap="sm">
				<Group justify="space-between">
					<Text fw={600}>{title}</Text>
					<Anchor component={Link} href={href} size="sm">
						{all}
					</Anchor>
				</Group>
				{error ? (
					<Text size="sm" c="red">
						{errorText(error)}
					</Text>
				) : rows === undefined ? (
					<Text size="sm" c="dimmed">
						Loading…
					</Text>
				) : rows.length === 0 ? (
					<Text size="sm" c="dimmed">
						{empty}
					</Text>
				) : (
					<Stack gap="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
						{rows.map((row) => (
							<Stack key={row.id} gap={2} component="li">
								{render(row)}
							</Stack>
						))}
					</Stack>
				)}
			</Stack>
		</Card>
	);
}
