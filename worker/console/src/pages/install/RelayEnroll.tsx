/**
 * @module How to connect a relay to a zone: the zone's relay state (polled every 2 s), and when none
 * is connected a one-time enrolment token with the command to run on a machine that reaches the
 * hosts. The token lives in this component's state only and is dropped on Hide or when it unmounts.
 */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { call } from "../../api/client";
import { errorText } from "../../api/errors";
import { useList } from "../../api/queries";
import { StateBadge } from "../../components/StateBadge";
import { connectedRelay } from "./steps";

/** The zone's relay state, with the enrolment help while it has none. */
export function RelayStatus({ zoneid }: { zoneid: string }) {
	const relays = useList("listRelays", "relay", { zoneid, state: "Enabled" }, 2000);
	const rows = relays.data?.rows ?? [];
	const relay = connectedRelay(rows);
	if (relays.error) return <Alert color="red">{errorText(relays.error)}</Alert>;
	if (!relay) return <RelayEnroll zoneid={zoneid} enrolled={rows[0]?.name} />;
	return (
		<Alert color="green" title="The zone's relay is connected">
			<Group gap="xs">
				<Text size="sm">Relay {relay.name}</Text>
				<StateBadge state={relay.state} />
				{relay.lastseen && (
					<Text size="sm" c="dimmed">
						last seen {new Date(relay.lastseen).toLocaleString()}
					</Text>
				)}
			</Group>
		</Alert>
	);
}

/** `enrolled`: the name of a relay that has enrolled but not dialled in yet. */
export function RelayEnroll({ zoneid, enrolled }: { zoneid: string; enrolled?: string | undefined }) {
	const [token, setToken] = useState<{ token: string; expires: string } | null>(null);
	const [error, setError] = useState<string | undefined>();
	const [busy, setBusy] = useState(false);
	const command = token ? `flarestack-relay enroll --url ${window.location.origin} --token ${token.token}` : "";

	const create = async () => {
		setBusy(true);
		setError(undefined);
		try {
			const answer = (await call("createRelayEnrollmentToken", { zoneid })).relayenrollmenttoken ?? {};
			setToken({ token: String(answer.token ?? ""), expires: String(answer.expires ?? "") });
		} catch (failure) {
			setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<Alert color="yellow" title="No relay is connected to the zone yet">
			<Stack gap="xs">
				{enrolled && (
					<Text size="sm">Relay {enrolled} has enrolled; waiting for it to connect (flarestack-relay run).</Text>
				)}
				<Text size="sm">
					flarestack reaches the hosts through a relay agent that runs next to them. With npm start the local agent
					enrols itself within a few seconds. Otherwise create an enrolment token and run the command on a machine that
					reaches the hosts; the wizard goes on as soon as the relay connects.
				</Text>
				{error && (
					<Text size="sm" c="red" role="alert">
						{error}
					</Text>
				)}
				{token ? (
					<>
						<Text size="sm">
							The token is shown only this once
							{token.expires && `, and works until ${new Date(token.expires).toLocaleString()}`}.
						</Text>
						<Code block>{command}</Code>
						<Group>
							<CopyButton value={command}>
								{({ copied, copy }) => (
									<Button size="xs" variant="light" onClick={copy}>
										{copied ? "Copied" : "Copy command"}
									</Button>
								)}
							</CopyButton>
							<Button size="xs" variant="default" onClick={() => setToken(null)}>
								Hide
							</Button>
						</Group>
					</>
				) : (
					<Group>
						<Button size="xs" onClick={() => void create()} loading={busy}>
							Create enrolment token
						</Button>
					</Group>
				)}
			</Stack>
		</Alert>
	);
}
