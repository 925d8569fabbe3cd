/**
 * @module Relay agents (one or more per zone: how the control plane reaches the zone's hosts):
 * enrolment tokens (shown once, with the command that uses them) and revoke (deleteRelay keeps the
 * relay listed as Revoked and refuses its credentials).
 */

import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { useState } from "react";
import { call, type Row } from "../../api/client";
import { useApiForm } from "../../api/form";
import { formatDate } from "../../api/format";
import { useZoneOptions } from "../../api/options";
import { ConfirmButton } from "../../components/ConfirmButton";
import { FormModal } from "../../components/FormModal";
import { ListPage } from "../../components/ListPage";
import { RowActions } from "../../components/RowActions";
import { SecretOnce } from "../../components/SecretOnce";
import { StateBadge } from "../../components/StateBadge";
import { ModalButton, useAction, useZoneFilter } from "./shared";

export function Relays(_props: { params: Record<string, string | undefined> }) {
	const zoneFilter = useZoneFilter();
	return (
		<ListPage
			title="Relays"
			command="listRelays"
			listKey="relay"
			refetchMs={5000}
			filters={[
				zoneFilter,
				{ param: "state", label: "State", options: ["Enabled", "Revoked"].map((v) => ({ value: v, label: v })) },
			]}
			actions={
				<ModalButton label="Create enrolment token">{(close) => <EnrolmentToken onClose={close} />}</ModalButton>
			}
			columns={[
				{ label: "Name", value: "name" },
				{ label: "Zone", value: "zonename" },
				{ label: "State", value: (row) => <StateBadge state={row.state} /> },
				{ label: "Connection", value: (row) => <StateBadge state={row.connectionstate} /> },
				{ label: "Connected since", value: (row) => formatDate(row.connected) },
				{ label: "Key fingerprint", value: "keyfingerprint" },
				{ label: "Enrolled", value: (row) => formatDate(row.created) },
				{ label: "Last seen", value: (row) => formatDate(row.lastseen) },
				{ label: "Actions", value: (row) => (row.state === "Revoked" ? null : <RevokeRelay row={row} />) },
			]}
		/>
	);
}

function RevokeRelay({ row }: { row: Row }) {
	const act = useAction();
	return (
		<RowActions wrap="wrap">
			<ConfirmButton
				label="Revoke"
				size="compact-sm"
				title={`Revoke relay ${row.name}`}
				message={`Revoke relay ${row.name}? Its credentials are refused from now on and the agent disconnects; hosts of zone ${row.zonename} are unreachable until another relay enrols.`}
				onConfirm={() => act("deleteRelay", { id: row.id }, `Revoke relay ${row.name}`)}
			/>
		</RowActions>
	);
}

/**
 * createRelayEnrollmentToken, then the token once (SecretOnce) with the enrol command line. The
 * token lives only in this component's state: closing drops it.
 */
function EnrolmentToken({ onClose }: { onClose(): void }) {
	const form = useApiForm({ zoneid: "", validity: "60" });
	const zones = useZoneOptions();
	const [token, setToken] = useState<Row>();
	if (token) {
		return (
			<SecretOnce
				title="Relay enrolment token"
				fields={[
					{ label: "Token", value: String(token.token) },
					{ label: "Command", value: `flarestack-relay enroll --url ${location.origin} --token ${token.token}` },
					{ label: `Valid once, until`, value: formatDate(token.expires) },
				]}
				note="The token enrols one relay agent for this zone; create another for a second agent."
				onClose={onClose}
			/>
		);
	}
	return (
		<FormModal
			title="Create enrolment token"
			form={form}
			submitLabel="Create token"
			onClose={onClose}
			noValidate
			keepOpen
			action={(values) => call("createRelayEnrollmentToken", values)}
			onDone={(answer) => setToken((answer.relayenrollmenttoken ?? answer) as Row)}
		>
			<SimpleGrid cols={{ base: 1, sm: 2 }}>
				<Select label="Zone" required data={zones} {...form.input("zoneid")} />
				<TextInput label="Valid for (minutes)" {...form.input("validity")} />
			</SimpleGrid>
		</FormModal>
	);
}
