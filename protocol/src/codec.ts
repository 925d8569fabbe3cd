/**
 * @module Text ⇄ frame. `parseFrame` is the trust boundary on both sides: it never throws, and it
 * refuses oversized input before `JSON.parse` and anything else with a short reason.
 */
import type { z } from "zod";
import { describeIssues } from "./issues.ts";
import { MAX_FRAME_BYTES, MAX_FRAME_DEPTH } from "./limits.ts";
import { ToAgentFrame } from "./to-agent.ts";
import { ToWorkerFrame } from "./to-worker.ts";
import { PROTOCOL_VERSION } from "./version.ts";

/** Which way a frame travels: `toWorker` (agent → Worker) or `toAgent` (Worker → agent). */
export type Direction = "toWorker" | "toAgent";

export type Frame<D extends Direction> = D extends "toWorker" ? ToWorkerFrame : ToAgentFrame;

/**
 * Why a frame was refused. `version` and `too_large` mean the peer is incompatible or broken;
 * `unknown_type` and `wrong_direction` are dropped and logged; the rest are garbage.
 */
export type FrameErrorReason =
	| "not_text"
	| "too_large"
	| "not_json"
	| "too_deep"
	| "invalid"
	| "version"
	| "unknown_type"
	| "wrong_direction";

export interface FrameError {
	reason: FrameErrorReason;
	/** One short line for the log. */
	message: string;
	/** The frame's `id`, when it had a valid one: lets the agent refuse a command it cannot parse. */
	id?: string;
}

export type ParseResult<D extends Direction> = { ok: true; frame: Frame<D> } | { ok: false; error: FrameError };

const SCHEMAS: { [D in Direction]: z.ZodType<Frame<D>> } = { toWorker: ToWorkerFrame, toAgent: ToAgentFrame };

const TYPES: { [D in Direction]: ReadonlySet<string> } = {
	toWorker: new Set(["hello", "answer", "progress", "event", "ping"]),
	toAgent: new Set(["ready", "command", "pong", "close"]),
};

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses and validates one frame arriving in `direction`.
 * @example
 * const parsed = parseFrame(message, "toWorker");
 * if (!parsed.ok) return log.warn("dropped frame", parsed.error);
 */
export function parseFrame<D extends Direction>(text: string, direction: D): ParseResult<D> {
	try {
		return parseUnsafe(text, direction);
	} catch (error) {
		// Nothing above should throw; this keeps the promise of the signature if something does.
		return refuse("invalid", `unparseable frame: ${String(error).slice(0, 200)}`);
	}
}

function parseUnsafe<D extends Direction>(text: string, direction: D): ParseResult<D> {
	if (typeof text !== "string") return refuse("not_text", "frame is not text");
	if (exceedsBytes(text, MAX_FRAME_BYTES)) return refuse("too_large", `frame is over ${MAX_FRAME_BYTES} bytes`);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return refuse("not_json", "frame is not JSON");
	}
	if (exceedsDepth(value, MAX_FRAME_DEPTH)) return refuse("too_deep", `frame nests deeper than ${MAX_FRAME_DEPTH}`);
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return refuse("invalid", "frame is not a JSON object");
	}
	const record = value as Record<string, unknown>;
	const id = typeof record.id === "string" && UUID_SHAPE.test(record.id) ? record.id : undefined;
	if (typeof record.type !== "string") return refuse("invalid", "type: missing or not a string", id);
	const type = record.type.slice(0, 40);
	if (!TYPES[direction].has(type)) {
		const other: Direction = direction === "toWorker" ? "toAgent" : "toWorker";
		if (TYPES[other].has(type)) return refuse("wrong_direction", `"${type}" is not a ${direction} frame`, id);
		return refuse("unknown_type", `unknown frame type "${type}"`, id);
	}
	if (typeof record.v !== "number") return refuse("invalid", "v: missing or not a number", id);
	if (record.v !== PROTOCOL_VERSION) {
		return refuse("version", `protocol version ${record.v} (this side speaks ${PROTOCOL_VERSION})`, id);
	}
	const parsed = SCHEMAS[direction].safeParse(value);
	if (!parsed.success) return refuse("invalid", `${type}: ${describeIssues(parsed.error)}`, id);
	return { ok: true, frame: parsed.data as Frame<D> };
}

/**
 * The text of a frame. Throws a `RangeError` for a frame over `MAX_FRAME_BYTES`: the peer would
 * drop it, and the sender should learn that loudly.
 */
export function encodeFrame(frame: ToWorkerFrame | ToAgentFrame): string {
	const text = JSON.stringify(frame);
	if (exceedsBytes(text, MAX_FRAME_BYTES)) {
		throw new RangeError(`${frame.type} frame is over ${MAX_FRAME_BYTES} bytes`);
	}
	return text;
}

function refuse(reason: FrameErrorReason, message: string, id?: string): { ok: false; error: FrameError } {
	return { ok: false, error: id === undefined ? { reason, message } : { reason, message, id } };
}

/** Whether the UTF-8 form of `text` is over `limit` bytes, without encoding it. */
function exceedsBytes(text: string, limit: number): boolean {
	// Every UTF-16 unit is at least one UTF-8 byte and at most three.
	if (text.length > limit) return true;
	if (text.length * 3 <= limit) return false;
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		if (unit < 0x80) bytes += 1;
		else if (unit < 0x800) bytes += 2;
		else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next < 0xe000) {
				bytes += 4;
				i++;
			} else bytes += 3;
		} else bytes += 3;
		if (bytes > limit) return true;
	}
	return false;
}

/** Whether `value` nests arrays/objects deeper than `limit`; iterative, so deep input cannot overflow. */
function exceedsDepth(value: unknown, limit: number): boolean {
	const stack: [unknown, number][] = [[value, 1]];
	for (let item = stack.pop(); item; item = stack.pop()) {
		const [node, depth] = item;
		if (typeof node !== "object" || node === null) continue;
		if (depth > limit) return true;
		for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
	}
	return false;
}
