/**
 * @module Each zone's capacity as bars ("used / total"), from one listCapacity call for all zones
 * (figures are computed on every call, so this is as current as the API gets).
 */
import { Alert, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";
import { StateBadge } from "../../components/StateBadge";
import { CAPACITY_TYPES } from "./format";

const REFRESH_MS = 30_000;

export function ZoneCapacity({ zones }: { zones: Row[] }) {
	const capacity = useList("listCapacity", "capacity", { page: 1, pagesize: 500 }, REFRESH_MS);
	if (capacity.error) return <Alert color="red">{errorText(capacity.error)}</Alert>;
	const figures = capacity.data?.rows ?? [];
	return (
		<Stack>
			{zones.map((zone) => (
				<Card withBorder key={zone.id}>
					<Stack>
						<Group gap="sm">
							<Title order={3} size="h4">
								Zone {zone.name}
							</Title>
							<StateBadge state={zone.allocationstate} />
							<Text size="sm" c="dimmed">
								{zone.networktype}
							</Text>
						</Group>
						<ZoneBars figures={figures.filter((figure) => figure.zoneid === zone.id)} loading={capacity.isPending} />
					</Stack>
				</Card>
			))}
		</Stack>
	);
}

function ZoneBars({ figures, loading }: { figures: Row[]; loading: boolean }) {
	if (loading) return <Text c="dimmed">Loading capacity…</Text>;
	const shown = CAPACITY_TYPES.flatMap((kind) => {
		const figure = figures.find((f) => Number(f.type) === kind.type);
		return figure ? [{ kind, figure }] : [];
	});
	if (shown.length === 0) return <Text c="dimmed">No capacity yet: add a host and storage to this zone.</Text>;
	return (
		<SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
			{shown.map(({ kind, figure }) => (
				<CapacityBar
					key={kind.type}
					label={kind.label}
					used={Number(figure.capacityused ?? 0)}
					total={Number(figure.capacitytotal ?? 0)}
					format={kind.format}
				/>
			))}
		</SimpleGrid>
	);
}

/** CloudStack's thresholds: notify at 75 %, disable allocation at 85 %. */
const colourOf = (percent: number) => (percent >= 85 ? "red" : percent >= 75 ? "yellow" : "green");

function CapacityBar({
	label,
	used,
	total,
	format,
}: {
	label: string;
	used: number;
	total: number;
	format(value: number): string;
}) {
	const percent = total > 0 ? Math.min(100, (used / total) * 100) : 0;
	const rounded = percent > 0 && percent < 1 ? "<1" : String(Math.round(percent));
	return (
		<Stack gap={4}>
			<Group justify="space-between" gap="xs" wrap="nowrap">
				<Text size="sm" fw={500}>
					{label}
				</Text>
				<Text size="sm" c="dimmed">
					{rounded}%
				</Text>
			</Group>
			<Progress value={percent} color={colourOf(percent)} size="lg" aria-label={label} />
			<Text size="xs" c="dimmed">
				{format(used)} / {format(total)}
			</Text>
		</Stack>
	);
}
