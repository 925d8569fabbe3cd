/**
 * @module One webhook (#/webhooks/:id): its settings, its actions, and its delivery log (polled
 * every 3 s) with each delivery's payload and response in a Drawer, Resend and Delete.
 */
import { Alert, Anchor, Button, Drawer, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { Link, useLocation } from "wouter";
import { call, type Row } from "../../api/client";
import { errorText } from "../../api/errors";
import { useCall, useRefresh } from "../../api/queries";
import { ActionButton } from "../../components/ActionButton";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import { DeliveryDetails, DeliveryResultModal, SuccessBadge, shortDate } from "./DeliveryResult";
import { WebhookActions } from "./WebhookActions";
import { WebhookModal } from "./WebhookForm";

const POLL_MS = 3000;

export function WebhookDetails({ params }: { params: Record<string, string | undefined> }) {
	const id = params.id ?? "";
	const [, navigate] = useLocation();
	const [editing, setEditing] = useState(false);
	const query = useCall("listWebhooks", { id, listall: true });
	const webhook = (query.data?.webhook as Row[] | undefined)?.[0];
	if (query.isPending) return <Loader aria-label="Loading" />;
	if (query.error || !webhook) {
		return (
			<Alert color="red" role="alert">
				{query.error ? errorText(query.error) : "This webhook does not exist (any more)."}{" "}
				<Anchor component={Link} href="/webhooks">
					Back to webhooks
				</Anchor>
			</Alert>
		);
	}
	return (
		<Stack gap="lg">
			<Group justify="space-between" wrap="wrap">
				<Stack gap={0}>
					<Anchor component={Link} href="/webhooks" size="sm">
						Webhooks
					</Anchor>
					<Title order={2}>{webhook.name}</Title>
				</Stack>
				<Group gap="xs" wrap="wrap">
					<Button size="xs" variant="light" onClick={() => setEditing(true)}>
						Edit
					</Button>
					<WebhookActions webhook={webhook} onDeleted={() => navigate("/webhooks")} />
				</Group>
			</Group>
			<Settings webhook={webhook} />
			{editing && <WebhookModal opened webhook={webhook} onClose={() => setEditing(false)} />}
			<DeliveryLog webhookId={id} />
		</Stack>
	);
}

function Settings({ webhook }: { webhook: Row }) {
	const items: [string, ReactNode][] = [
		["State", <StateBadge key="state" state={webhook.state} />],
		["Payload URL", webhook.payloadurl],
		["Scope", webhook.scope],
		["Event types", webhook.eventtypes ?? "All events"],
		["Signed with a secret key", webhook.hassecretkey ? "Yes" : "No"],
		["SSL verification", webhook.sslverification ? "Yes" : "No"],
		["Account", `${webhook.account ?? ""} (${webhook.domainpath ?? webhook.domain ?? ""})`],
		["Created", webhook.created],
		["Description", webhook.description ?? "—"],
	];
	return (
		<Paper withBorder p="md">
			<SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
				{items.map(([label, value]) => (
					<Stack gap={2} key={label}>
						<Text size="xs" c="dimmed">
							{label}
						</Text>
						<Text size="sm" style={{ wordBreak: "break-all" }} component="div">
							{value}
						</Text>
					</Stack>
				))}
			</SimpleGrid>
		</Paper>
	);
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
	const [shown, setShown] = useState<Row | null>(null);
	const [resent, setResent] = useState<Row | null>(null);
	const refresh = useRefresh();
	return (
		<>
			<ListPage
				title="Delivery log"
				command="listWebhookDeliveries"
				listKey="webhookdelivery"
				params={{ webhookid: webhookId }}
				refetchMs={POLL_MS}
				empty="No deliveries yet: events of this webhook's scope are delivered as they happen. Test deliveries are not logged."
				columns={[
					{ label: "Event type", value: "eventtype" },
					{ label: "Result", value: (row) => <SuccessBadge delivery={row} /> },
					{ label: "Response code", value: (row) => row.responsestatus ?? "—" },
					{ label: "Attempts", value: (row) => row.attempts ?? "" },
					{ label: "Started (UTC)", value: (row) => shortDate(row.startdate) },
					{ label: "Ended (UTC)", value: (row) => shortDate(row.enddate) },
					{
						label: "Actions",
						value: (row) => (
							<Group gap="xs" wrap="nowrap">
								<Button size="xs" variant="light" onClick={() => setShown(row)}>
									Details
								</Button>
								<ActionButton
									label="Resend"
									action={async () => {
										const answer = await call("executeWebhookDelivery", { id: row.id });
										setResent(answer.webhookdelivery ?? {});
										await refresh();
									}}
								/>
								<ConfirmButton
									label="Delete"
									title="Delete delivery"
									message={`The ${row.eventtype} delivery of ${row.startdate} is removed from the log.`}
									onConfirm={async () => {
										await call("deleteWebhookDelivery", { id: row.id });
										await refresh();
									}}
								/>
							</Group>
						),
					},
				]}
			/>
			<Drawer
				opened={shown !== null}
				onClose={() => setShown(null)}
				title={`Delivery ${shown?.eventtype ?? ""}`}
				position="right"
				size="xl"
			>
				{shown && <DeliveryDetails delivery={shown} />}
			</Drawer>
			{resent && (
				<DeliveryResultModal
					title="Resent delivery"
					note="The resent delivery is added to the log as a new delivery."
					delivery={resent}
					onClose={() => setResent(null)}
				/>
			)}
		</>
	);
}
