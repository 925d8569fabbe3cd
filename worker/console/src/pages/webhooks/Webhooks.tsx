/** @module Webhooks: the caller's webhooks (CloudStack 4.20's event webhooks), Create webhook, Test, enable/disable, delete. */
import { Anchor, Button } from "@mantine/core";
import { useState } from "react";
import { Link } from "wouter";
import { ListPage } from "../../components/ListPage";
import { StateBadge } from "../../components/StateBadge";
import { WebhookActions } from "./WebhookActions";
import { WebhookModal } from "./WebhookForm";

const STATES = ["Enabled", "Disabled"].map((state) => ({ value: state, label: state }));
const SCOPES = ["Local", "Domain", "Global"].map((scope) => ({ value: scope, label: scope }));

export function Webhooks(_props: { params: Record<string, string | undefined> }) {
	const [creating, setCreating] = useState(false);
	return (
		<ListPage
			title="Webhooks"
			command="listWebhooks"
			listKey="webhook"
			filters={[
				{ param: "state", label: "State", options: STATES },
				{ param: "scope", label: "Scope", options: SCOPES },
			]}
			columns={[
				{
					label: "Name",
					value: (row) => (
						<Anchor component={Link} href={`/webhooks/${row.id}`}>
							{row.name}
						</Anchor>
					),
				},
				{ label: "Payload URL", value: "payloadurl" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{ label: "Scope", value: "scope" },
				{ label: "Account", value: "account" },
				{ label: "Actions", value: (row) => <WebhookActions webhook={row} /> },
			]}
			actions={<Button onClick={() => setCreating(true)}>Create webhook</Button>}
		>
			<WebhookModal opened={creating} onClose={() => setCreating(false)} />
		</ListPage>
	);
}
