/**
 * @module RelayLink over Durable Object RPC: each call goes to the zone's ZoneRelay
 * (`idFromName(zoneId)`). A failure of the RPC itself (the DO was reset mid-call) is an answer
 * too, so a caller never sees an exception from here.
 */
import type { CommandArgs, CommandName } from "@flarestack/protocol";
import { logError } from "../lib/log";
import type { BackgroundContext, CallOutcome, RelayLink, RelayStatus } from "./link";

export function relayLinkFor(env: Env): RelayLink {
	const stub = (zoneId: string) => env.ZONE_RELAY.get(env.ZONE_RELAY.idFromName(zoneId));
	return {
		async call<N extends CommandName>(zoneId: string, name: N, args: CommandArgs<N>, timeoutMs?: number) {
			try {
				return (await stub(zoneId).call(zoneId, name, args, timeoutMs)) as CallOutcome<N>;
			} catch (error) {
				logError(`relay:${zoneId}`, `relay call ${name} failed`, error);
				return { ok: false, code: "failed", text: `The zone's relay link failed during ${name}; try again` };
			}
		},
		async start<N extends CommandName>(
			zoneId: string,
			name: N,
			args: CommandArgs<N>,
			options: { timeoutMs: number; context: BackgroundContext },
		) {
			try {
				return await stub(zoneId).start(zoneId, name, args, options.timeoutMs, options.context);
			} catch (error) {
				// The DO may have kept the command before failing: the caller treats it like no relay
				// (the row waits for the next hello), and a duplicate is ignored by its command id.
				logError(`relay:${zoneId}`, `relay start ${name} failed`, error);
				return { ok: false as const, code: "no_relay" as const, text: `The zone's relay link failed during ${name}` };
			}
		},
		async revoke(zoneId: string, relayId: string) {
			await stub(zoneId).revoke(relayId);
		},
		async status(zoneId: string) {
			return (await stub(zoneId).status()) as RelayStatus;
		},
	};
}
