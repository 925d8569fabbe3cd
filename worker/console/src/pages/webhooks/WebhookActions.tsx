/**
 * @module What can be done to one webhook, on the list and on its page: Test (a test delivery,
 * not stored in the log), Enable/Disable, Delete.
 */
import { Group } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useRefresh } from "../../api/queries";
import { ActionButton } from "../../components/ActionButton";
import { ConfirmButton } from "../../components/ConfirmButton";
import { DeliveryResultModal } from "./DeliveryResult";

export function WebhookActions({ webhook, onDeleted }: { webhook: Row; onDeleted?(): void }) {
	const refresh = useRefresh();
	const [result, setResult] = useState<Row | null>(null);
	const enabled = webhook.state === "Enabled";
	return (
		<Group gap="xs" wrap="nowrap">
			<ActionButton
				label="Test"
				action={async () => {
					const answer = await call("executeWebhookDelivery", { webhookid: webhook.id });
					setResult(answer.webhookdelivery ?? {});
				}}
			/>
			<ActionButton
				label={enabled ? "Disable" : "Enable"}
				action={async () => {
					await call("updateWebhook", { id: webhook.id, state: enabled ? "Disabled" : "Enabled" });
					await refresh();
				}}
			/>
			<ConfirmButton
				label="Delete"
				title={`Delete webhook ${webhook.name}`}
				message="The webhook stops receiving events; deliveries still queued for it are cancelled."
				onConfirm={async () => {
					await call("deleteWebhook", { id: webhook.id });
					onDeleted?.();
					await refresh();
				}}
			/>
			{result && (
				<DeliveryResultModal
					title={`Test delivery to ${webhook.name}`}
					delivery={result}
					note="A test delivery is sent once and not stored in the delivery log."
					onClose={() => setResult(null)}
				/>
			)}
		</Group>
	);
}
