/** @module An event level (INFO, WARN, ERROR) as a badge: the colour says how much it matters. */
import { Badge } from "@mantine/core";

const COLOURS: Record<string, string> = { INFO: "blue", WARN: "yellow", ERROR: "red" };

export function LevelBadge({ level }: { level: string | undefined }) {
	return (
		<Badge variant="light" color={COLOURS[String(level).toUpperCase()] ?? "gray"}>
			{level ?? "—"}
		</Badge>
	);
}
