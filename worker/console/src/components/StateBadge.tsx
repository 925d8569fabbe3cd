/** @module A resource state as a coloured badge, the same colours on every page. */
import { Badge } from "@mantine/core";

const COLOURS: Record<string, string> = {
	running: "green",
	up: "green",
	enabled: "green",
	ready: "green",
	backedup: "green",
	active: "green",
	connected: "green",
	implemented: "green",
	allocated: "blue",
	setup: "blue",
	starting: "blue",
	stopping: "yellow",
	migrating: "yellow",
	preparefordmaintenance: "yellow",
	prepareformaintenance: "yellow",
	creating: "blue",
	downloading: "blue",
	pending: "blue",
	stopped: "gray",
	disabled: "gray",
	maintenance: "orange",
	destroyed: "red",
	expunging: "red",
	error: "red",
	down: "red",
	disconnected: "red",
	alert: "red",
	errorinmaintenance: "red",
	revoked: "red",
	failed: "red",
	unknown: "orange",
};

export function StateBadge({ state }: { state: string | undefined | null }) {
	const text = state ?? "—";
	return (
		<Badge variant="light" color={COLOURS[text.toLowerCase()] ?? "gray"} miw="max-content">
			{text}
		</Badge>
	);
}
