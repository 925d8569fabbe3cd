/** @module Frames the agent sends and the Worker's ZoneRelay receives. */
import { z } from "zod";
import { count, epochMs, note, text, uuid, version } from "./common.ts";
import { Domain, Host, HostState, Pool } from "./inventory.ts";
import { MAX_HOSTS, MAX_POOLS, MAX_RECENT_COMMANDS } from "./limits.ts";

/**
 * The first frame on every connection: who the agent is and everything it knows, in full (the
 * Worker reconciles D1 against it), plus the ids of the commands it ran recently, so a command the
 * Worker resends after a reconnect is answered again instead of run twice.
 */
export const HelloFrame = z.object({
	type: z.literal("hello"),
	v: version,
	agentId: uuid,
	agentVersion: text(64),
	hosts: z.array(Host).max(MAX_HOSTS),
	pools: z.array(Pool).max(MAX_POOLS),
	recentCommandIds: z.array(uuid).max(MAX_RECENT_COMMANDS),
});

/** Why a command failed, as the Worker maps it to a job error. */
export const AnswerErrorCode = z.enum([
	"unreachable", // the host's libvirtd (or the tool behind it) did not answer
	"timeout", // the work did not finish before the command's deadline
	"invalid", // the arguments were refused (e.g. no such host)
	"conflict", // the target is in a state that does not allow it
	"unsupported", // this agent does not know the command
	"failed", // anything else; `text` says what
]);
export type AnswerErrorCode = z.infer<typeof AnswerErrorCode>;

const answer = { type: z.literal("answer"), v: version, id: uuid };

/** The end of a command: `ok` with its result, or an error. Exactly one per command id. */
export const AnswerFrame = z.discriminatedUnion("ok", [
	z.object({ ...answer, ok: z.literal(true), result: z.json() }),
	z.object({
		...answer,
		ok: z.literal(false),
		error: z.object({ code: AnswerErrorCode, text: text(4096) }),
	}),
]);

/** How far a long command is; any number of these may come before its answer. */
export const ProgressFrame = z.object({
	type: z.literal("progress"),
	v: version,
	id: uuid,
	percent: z.number().min(0).max(100),
	text: note(256),
});

const event = { type: z.literal("event"), v: version, at: epochMs };

/** Something changed at the site without being asked: a host, a domain, a pool. */
export const EventFrame = z.discriminatedUnion("kind", [
	z.object({ ...event, kind: z.literal("host.state"), hostId: uuid, state: HostState, text: note(256) }),
	z.object({ ...event, kind: z.literal("domain.state"), hostId: uuid, domain: Domain }),
	z.object({ ...event, kind: z.literal("pool.capacity"), poolId: uuid, capacityBytes: count, usedBytes: count }),
]);

/**
 * The agent's heartbeat, every `ready.heartbeatMs`; the Worker answers `pong`. It has no fields, so
 * its text never changes (`PING_TEXT`): the Worker's Durable Object answers it without waking up
 * (WebSocket auto-response) and reads the time of the last one to tell a live link from a dead one.
 */
export const PingFrame = z.object({ type: z.literal("ping"), v: version });

/** Every frame the agent may send. */
export const ToWorkerFrame = z.discriminatedUnion("type", [
	HelloFrame,
	AnswerFrame,
	ProgressFrame,
	EventFrame,
	PingFrame,
]);
export type ToWorkerFrame = z.infer<typeof ToWorkerFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type AnswerFrame = z.infer<typeof AnswerFrame>;
export type ProgressFrame = z.infer<typeof ProgressFrame>;
export type EventFrame = z.infer<typeof EventFrame>;
export type PingFrame = z.infer<typeof PingFrame>;
