/** @module A dashboard card: a title linking to its page, a total, and a few counts by state. */
import { Anchor, Card, Group, Loader, Stack, Text } from "@mantine/core";
import { Link } from "wouter";
import { StateBadge } from "../../components/StateBadge";

export interface StateCount {
	state: string;
	count: number;
}

export function StatCard({
	title,
	href,
	total,
	states,
	loading,
	error,
}: {
	title: string;
	href: string;
	total: number | undefined;
	states: StateCount[];
	loading?: boolean;
	error?: string | undefined;
}) {
	return (
		<Card withBorder>
			<Stack gap="xs">
				<Group justify="space-between">
					<Anchor component={Link} href={href} fw={600}>
						{title}
					</Anchor>
					{loading && <Loader size="xs" aria-label={`Loading ${title}`} />}
				</Group>
				{error ? (
					<Text size="sm" c="red">
						{error}
					</Text>
				) : (
					<>
						<Text fz={32} fw={700} lh={1} aria-label={`${title}: ${total ?? "…"}`}>
							{total ?? "…"}
						</Text>
						<Group gap="xs">
							{states
								.filter((entry) => entry.count > 0)
								.map((entry) => (
									<Group key={entry.state} gap={4} wrap="nowrap">
										<StateBadge state={entry.state} />
										<Text size="sm">{entry.count}</Text>
									</Group>
								))}
						</Group>
					</>
				)}
			</Stack>
		</Card>
	);
}

/** Counts the rows of a list by their `state` (for lists small enough to fetch whole: hosts, relays). */
export function byState(rows: { state?: string }[]): StateCount[] {
	const counts = new Map<string, number>();
	for (const row of rows) counts.set(row.state ?? "Unknown", (counts.get(row.state ?? "Unknown") ?? 0) + 1);
	return [...counts].map(([state, count]) => ({ state, count }));
}
