/**
 * @module One webhook delivery's outcome (a test, a resend or a row of the log): result, HTTP status,
 * timing, and the payload, headers and response it carried.
 */
import { Code, Group, Modal, SimpleGrid, Stack, Text } from "@mantine/core";
import type { Row } from "../../api/client";

/** The outcome as coloured text (a Badge would be cut to "SUCCEED…" in a squeezed table cell). */
export function SuccessBadge({ delivery }: { delivery: Row }) {
	const pending = delivery.success === undefined || delivery.state === "Pending" || delivery.state === "Retrying";
	const [text, colour] =
		pending && delivery.state
			? [String(delivery.state), "blue"]
			: delivery.success
				? ["Succeeded", "green"]
				: ["Failed", "red"];
	return (
		<Text span size="sm" fw={700} c={colour} style={{ whiteSpace: "nowrap" }}>
			{text}
		</Text>
	);
}

function Block({ label, text }: { label: string; text: unknown }) {
	if (text === undefined || text === null || text === "") return null;
	return (
		<Stack gap={4}>
			<Text size="sm" fw={600}>
				{label}
			</Text>
			<Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
				{prettyJson(String(text))}
			</Code>
		</Stack>
	);
}

/** Payloads are JSON text: indent them when they parse, show them as they are when not. */
function prettyJson(text: string): string {
	try {
		return JSON.stringify(JSON.parse(text), null, 2);
	} catch {
		return text;
	}
}

/** "2026-12-02T06:55:42+0000" → "2026-12-02 06:55:42" (the API's dates are UTC). */
export function shortDate(date: unknown): string {
	return typeof date === "string" ? date.replace("T", " ").replace(/\+0000$/, "") : "—";
}

export function DeliveryDetails({ delivery }: { delivery: Row }) {
	return (
		<Stack>
			<Group gap="sm">
				<SuccessBadge delivery={delivery} />
				<Text size="sm">{delivery.eventtype}</Text>
			</Group>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Text size="sm">Response status: {delivery.responsestatus ?? "none"}</Text>
				<Text size="sm">Duration: {delivery.duration ?? "—"} ms</Text>
				<Text size="sm">Started (UTC): {shortDate(delivery.startdate)}</Text>
				<Text size="sm">Ended (UTC): {shortDate(delivery.enddate)}</Text>
				{delivery.attempts !== undefined && <Text size="sm">Attempts: {delivery.attempts}</Text>}
			</SimpleGrid>
			<Block label="Response" text={delivery.response} />
			<Block label="Payload" text={delivery.payload} />
			<Block label="Headers" text={delivery.headers} />
		</Stack>
	);
}

/** The answer of executeWebhookDelivery (Test or Resend), in a Modal. */
export function DeliveryResultModal({
	title,
	delivery,
	note,
	onClose,
}: {
	title: string;
	delivery: Row;
	note?: string;
	onClose(): void;
}) {
	return (
		<Modal opened onClose={onClose} title={title} size="lg">
			{note && (
				<Text size="sm" c="dimmed" mb="sm">
					{note}
				</Text>
			)}
			<DeliveryDetails delivery={delivery} />
		</Modal>
	);
}
