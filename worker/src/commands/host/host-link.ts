/**
 * @module The host commands' side of the relay: reaching a host's libvirtd through the zone's
 * agent (host.connect), letting it go (host.disconnect), and how a failure reads to the admin.
 */
import type { Host } from "@flarestack/protocol";
import { CsError, ERROR } from "../../api/errors";
import type { CallFailure } from "../../relay/link";
import type { Deps } from "../types";

/** How long addHost and reconnectHost wait for the agent to reach libvirtd. */
export const CONNECT_TIMEOUT_MS = 30_000;
/** host.disconnect only makes the agent forget the host: a short wait is enough. */
const DISCONNECT_TIMEOUT_MS = 10_000;

export type ConnectOutcome = { ok: true; host: Host } | { ok: false; code: CallFailure; error: CsError };

/** Asks the zone's agent to reach `uri` as host `hostId`; a failure carries the 530 to answer with. */
export async function connectHost(
	deps: Deps,
	zone: { id: string; name: string },
	hostId: string,
	uri: string,
): Promise<ConnectOutcome> {
	const outcome = await deps.relay.call(zone.id, "host.connect", { hostId, uri }, CONNECT_TIMEOUT_MS);
	if (outcome.ok) return { ok: true, host: outcome.result };
	return { ok: false, code: outcome.code, error: new CsError(ERROR.internal, failureText(zone, uri, outcome)) };
}

function failureText(zone: { name: string }, uri: string, failure: { code: CallFailure; text: string }): string {
	switch (failure.code) {
		case "no_relay":
			return `Zone ${zone.name} has no connected relay agent; start flarestack-relay at the site`;
		case "deadline":
			return `Cannot reach libvirtd at ${uri}: the relay agent did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
		case "unreachable":
		case "timeout":
			// The agent's text usually says it already; an older agent's may not.
			return failure.text.startsWith("Cannot reach")
				? failure.text
				: `Cannot reach libvirtd at ${uri}: ${failure.text}`;
		default:
			return failure.text;
	}
}

/** Tells the agent to stop watching the host; a zone without an agent has nothing to forget. */
export async function releaseHost(deps: Deps, zoneId: string, hostId: string): Promise<void> {
	try {
		await deps.relay.call(zoneId, "host.disconnect", { hostId }, DISCONNECT_TIMEOUT_MS);
	} catch {
		// Best effort: the ZoneRelay disconnects hosts D1 does not know at the agent's next hello.
	}
}

/** The columns a host's facts (host.connect's answer) fill. */
export function hostFacts(host: Host) {
	return {
		cpuNumber: host.cpuCount,
		cpuSpeed: host.cpuMhz,
		memoryTotal: host.memoryBytes,
		hypervisorVersion: host.hypervisorVersion,
		domainType: host.domainType,
	};
}
