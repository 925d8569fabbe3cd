/**
 * @module How Worker code reaches a zone's relay agent: through that zone's ZoneRelay Durable
 * Object (one per zone, named by the zone id). Command handlers use `deps.relay`; only the DO
 * touches the socket.
 */
import type { AnswerErrorCode, CommandArgs, CommandName, CommandResult } from "@flarestack/protocol";

/** Why a call failed: the agent's own error code, or the DO's. */
export type CallFailure =
	| AnswerErrorCode
	/** The zone has no connected (active) relay agent: nothing was sent. */
	| "no_relay"
	/** The deadline passed with no answer (the DO's alarm ended the command). */
	| "deadline";

export type CallOutcome<N extends CommandName> =
	| { ok: true; result: CommandResult<N> }
	| { ok: false; code: CallFailure; text: string };

export interface RelayStatus {
	/** The agent that drives the zone now, if any. */
	active: { relayId: string; connectedAt: number; lastPingAt: number } | null;
	/** Agents connected as hot standbys. */
	standbys: number;
}

export interface RelayLink {
	/**
	 * Sends a command to the zone's active agent and resolves with its answer, or with a failure at
	 * the deadline (`timeoutMs` from now, default `DEFAULT_COMMAND_TIMEOUT_MS`). Never hangs.
	 */
	call<N extends CommandName>(
		zoneId: string,
		name: N,
		args: CommandArgs<N>,
		timeoutMs?: number,
	): Promise<CallOutcome<N>>;
	/**
	 * Sends a command nobody waits for: the zone's ZoneRelay keeps it until answered or past its
	 * deadline (resending it after a reconnect) and applies its progress and outcome to D1 itself
	 * (relay/background.ts), by `context`. Resolves once sent, with the command id.
	 */
	start<N extends CommandName>(
		zoneId: string,
		name: N,
		args: CommandArgs<N>,
		options: { timeoutMs: number; context: BackgroundContext },
	): Promise<{ ok: true; id: string } | { ok: false; code: "no_relay" | "invalid"; text: string }>;
	/** Closes every socket of `relayId` in the zone with `close {reason: "revoked"}`. */
	revoke(zoneId: string, relayId: string): Promise<void>;
	status(zoneId: string): Promise<RelayStatus>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/** What a background command's outcome is applied to (see relay/background.ts). */
export type BackgroundContext =
	| { kind: "download"; templateId: string; zoneId: string }
	| { kind: "prepare"; templateId: string; poolId: string }
	| { kind: "usage"; target: "imageStore" | "pool"; id: string }
	| { kind: "cleanup" };
