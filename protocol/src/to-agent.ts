/** @module Frames the Worker's ZoneRelay sends and the agent receives. */
import { z } from "zod";
import { COMMANDS, type CommandName } from "./commands.ts";
import { epochMs, note, uuid, version } from "./common.ts";
import { MAX_HEARTBEAT_MS } from "./limits.ts";

/**
 * Whether this agent drives the zone (`active`) or waits connected as a hot `standby`. At most one
 * agent per zone is active; a standby gets no commands and is sent `ready { role: "active" }` when
 * the active one goes away, and then sends a fresh `hello`.
 */
export const RelayRole = z.enum(["active", "standby"]);
export type RelayRole = z.infer<typeof RelayRole>;

/**
 * The Worker's reply to `hello` (and a standby's promotion): the session is open; send `ping`
 * every `heartbeatMs` and treat a few beats without `pong` as a dead link.
 */
export const ReadyFrame = z.object({
	type: z.literal("ready"),
	v: version,
	sessionId: uuid,
	role: RelayRole,
	heartbeatMs: z.int().min(100).max(MAX_HEARTBEAT_MS),
	serverTime: epochMs,
});

function commandFrame<N extends CommandName, A extends (typeof COMMANDS)[N]["args"]>(name: N, args: A) {
	return z.object({
		type: z.literal("command"),
		v: version,
		id: uuid,
		name: z.literal(name),
		args,
		deadline: epochMs,
	});
}

/**
 * Work for the agent. `id` makes it idempotent: the same id again (a resend after a reconnect) gets
 * the same answer, never a second run. Past `deadline` the Worker fails the job on its own.
 */
export const CommandFrame = z.discriminatedUnion("name", [
	commandFrame("host.connect", COMMANDS["host.connect"].args),
	commandFrame("host.refresh", COMMANDS["host.refresh"].args),
	commandFrame("host.disconnect", COMMANDS["host.disconnect"].args),
	commandFrame("store.stat", COMMANDS["store.stat"].args),
	commandFrame("store.remove", COMMANDS["store.remove"].args),
	commandFrame("template.download", COMMANDS["template.download"].args),
	commandFrame("template.prepare", COMMANDS["template.prepare"].args),
	commandFrame("template.upload", COMMANDS["template.upload"].args),
	commandFrame("volume.clone", COMMANDS["volume.clone"].args),
	commandFrame("volume.create", COMMANDS["volume.create"].args),
	commandFrame("volume.resize", COMMANDS["volume.resize"].args),
	commandFrame("volume.copy", COMMANDS["volume.copy"].args),
	commandFrame("vm.start", COMMANDS["vm.start"].args),
	commandFrame("vm.stop", COMMANDS["vm.stop"].args),
	commandFrame("vm.reboot", COMMANDS["vm.reboot"].args),
	commandFrame("vm.migrate", COMMANDS["vm.migrate"].args),
	commandFrame("vm.attachDisk", COMMANDS["vm.attachDisk"].args),
	commandFrame("vm.detachDisk", COMMANDS["vm.detachDisk"].args),
]);

/** The answer to the agent's `ping`. It has no fields, so its text never changes (`PONG_TEXT`). */
export const PongFrame = z.object({ type: z.literal("pong"), v: version });

/**
 * Why the Worker ends a session. `revoked` is fatal: the agent must exit non-zero and not retry.
 * `replaced`: another agent holds the zone; back off and retry as a standby. `protocol`: the agent
 * sent something the Worker cannot accept (another version, garbage); back off and retry.
 */
export const CloseReason = z.enum(["revoked", "replaced", "protocol"]);
export type CloseReason = z.infer<typeof CloseReason>;

/** Sent just before the Worker closes the socket. */
export const CloseFrame = z.object({ type: z.literal("close"), v: version, reason: CloseReason, text: note(256) });

/** Every frame the Worker may send. */
export const ToAgentFrame = z.discriminatedUnion("type", [ReadyFrame, CommandFrame, PongFrame, CloseFrame]);
export type ToAgentFrame = z.infer<typeof ToAgentFrame>;
export type ReadyFrame = z.infer<typeof ReadyFrame>;
export type CommandFrame = z.infer<typeof CommandFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
export type CloseFrame = z.infer<typeof CloseFrame>;

/** Whether the agent must stop for good (exit non-zero) after this close. */
export function isFatalClose(reason: CloseReason): boolean {
	return reason === "revoked";
}
