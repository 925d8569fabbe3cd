/**
 * @module The dashboard: instances by state for everyone; for root admins also hosts, relays and
 * every zone's capacity, and the latest alerts. Each card is one or a few parallel list calls
 * (pagesize=1 when only the count matters), refreshed every 30 s.
 */
import { SimpleGrid, Stack, Title } from "@mantine/core";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";
import { useSession } from "../../api/session";
import { RecentAlerts, RecentEvents } from "./Recent";
import { byState, StatCard } from "./StatCard";
import { ZoneCapacity } from "./ZoneCapacity";

const REFRESH_MS = 30_000;
/** Whole lists for cards that count by state: a cloud has few hosts and relays. */
const WHOLE = { page: 1, pagesize: 500 };

export function Dashboard(_props: { params: Record<string, string | undefined> }) {
	const { isRootAdmin } = useSession();
	return (
		<Stack>
			<Title order={2}>Dashboard</Title>
			{isRootAdmin ? (
				<AdminOverview />
			) : (
				<SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
					<InstancesCard />
				</SimpleGrid>
			)}
			<SimpleGrid cols={{ base: 1, lg: 2 }}>
				<RecentEvents />
				{isRootAdmin && <RecentAlerts />}
			</SimpleGrid>
		</Stack>
	);
}

/** Instances by state: a count call per state (an account may have thousands of instances). */
function InstancesCard() {
	const params = { listall: true, page: 1, pagesize: 1 };
	const all = useList("listVirtualMachines", "virtualmachine", params, REFRESH_MS);
	const running = useList("listVirtualMachines", "virtualmachine", { ...params, state: "Running" }, REFRESH_MS);
	const stopped = useList("listVirtualMachines", "virtualmachine", { ...params, state: "Stopped" }, REFRESH_MS);
	// The total only once every count is in, so "Other" never shows a half-loaded difference.
	const total = running.data && stopped.data ? all.data?.count : undefined;
	const up = running.data?.count ?? 0;
	const down = stopped.data?.count ?? 0;
	return (
		<StatCard
			title="Instances"
			href="/instances"
			total={total}
			loading={total === undefined && !all.error}
			error={all.error ? errorText(all.error) : undefined}
			states={[
				{ state: "Running", count: up },
				{ state: "Stopped", count: down },
				// Starting, Stopping, Error…: whatever is neither, counted together.
				{ state: "Other", count: Math.max(0, (total ?? 0) - up - down) },
			]}
		/>
	);
}

function AdminOverview() {
	const hosts = useList("listHosts", "host", { ...WHOLE, type: "Routing" }, REFRESH_MS);
	const relays = useList("listRelays", "relay", WHOLE, REFRESH_MS);
	const zones = useList("listZones", "zone", WHOLE, REFRESH_MS);
	return (
		<>
			<SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
				<InstancesCard />
				<StatCard
					title="Hosts"
					href="/hosts"
					total={hosts.data?.count}
					loading={hosts.isPending}
					error={hosts.error ? errorText(hosts.error) : undefined}
					states={byState(hosts.data?.rows ?? [])}
				/>
				<StatCard
					title="Relays"
					href="/relays"
					total={relays.data?.count}
					loading={relays.isPending}
					error={relays.error ? errorText(relays.error) : undefined}
					states={byState(relays.data?.rows ?? [])}
				/>
				<StatCard
					title="Zones"
					href="/zones"
					total={zones.data?.count}
					loading={zones.isPending}
					error={zones.error ? errorText(zones.error) : undefined}
					states={byState((zones.data?.rows ?? []).map((zone) => ({ state: zone.allocationstate })))}
				/>
			</SimpleGrid>
			<ZoneCapacity zones={zones.data?.rows ?? []} />
		</>
	);
}
