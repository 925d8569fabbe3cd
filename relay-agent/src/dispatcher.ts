/**
 * @module Runs the Worker's commands, each id once. The Worker resends every unanswered command after
 * a reconnect (same id), so the dispatcher remembers the answers of the last `limit` ids, in the
 * state file too, so a restart still knows them: a repeat of a finished id gets the same answer
 * again, a repeat of a running id gets nothing new (its answer follows when it ends). Every command
 * ends by its deadline: past it the work is aborted and the answer is `timeout`.
 */
import {
	type AnswerErrorCode,
	type AnswerFrame,
	type CommandFrame,
	CommandName,
	type FrameError,
	PROTOCOL_VERSION,
	parseCommandResult,
} from "@flarestack/protocol";
import { errorText, type Logger } from "./log.ts";
import type { StateStore } from "./state.ts";

/** A failure a handler reports on purpose, with the code the Worker maps to a job error. */
export class CommandError extends Error {
	readonly code: AnswerErrorCode;
	constructor(code: AnswerErrorCode, message: string) {
		super(message);
		this.name = "CommandError";
		this.code = code;
	}
}

export interface CommandContext {
	/** Aborts when the deadline passes (or the agent stops). */
	signal: AbortSignal;
	/** Epoch ms by which the answer must be sent. */
	deadline: number;
	/** The ms left until the deadline. */
	remainingMs(): number;
	progress(percent: number, text: string): void;
}

type JsonValue = Extract<AnswerFrame, { ok: true }>["result"];

type ArgsOf<N extends CommandFrame["name"]> = Extract<CommandFrame, { name: N }>["args"];

export type CommandHandlers = {
	[N in CommandFrame["name"]]: (args: ArgsOf<N>, context: CommandContext) => Promise<unknown>;
};

/** Where frames go: the connection. False when there is no socket to send on (the Worker resends). */
export type SendFrame = (
	frame: AnswerFrame | { type: "progress"; v: 1; id: string; percent: number; text: string },
) => boolean;

export interface DispatcherOptions {
	handlers: CommandHandlers;
	store: StateStore;
	send: SendFrame;
	log: Logger;
	/** How many answered ids are remembered. */
	limit?: number;
	now?: () => number;
}

export const RECENT_COMMANDS = 1000;

export class Dispatcher {
	private readonly options: DispatcherOptions;
	private readonly limit: number;
	private readonly now: () => number;
	private readonly running = new Map<string, AbortController>();
	private readonly answers = new Map<string, AnswerFrame>();

	constructor(options: DispatcherOptions) {
		this.options = options;
		this.limit = options.limit ?? RECENT_COMMANDS;
		this.now = options.now ?? Date.now;
		for (const [id, answer] of options.store.data.answers.slice(-this.limit)) this.answers.set(id, answer);
	}

	/** Ids of recent commands, answered or running (newest last), for `hello.recentCommandIds`. */
	recentIds(): string[] {
		return [...this.answers.keys(), ...this.running.keys()];
	}

	/** The remembered answer for `id`, if it has one. */
	answerFor(id: string): AnswerFrame | undefined {
		return this.answers.get(id);
	}

	/** Runs `frame` unless its id is running or answered (then: nothing, or the same answer again). */
	handle(frame: CommandFrame): void {
		const { id, name, deadline } = frame;
		const known = this.answers.get(id);
		if (known) {
			this.options.log.info("command repeated, answering again", { id, name });
			this.options.send(known);
			return;
		}
		if (this.running.has(id)) {
			this.options.log.info("command repeated while running", { id, name });
			return;
		}
		const remaining = deadline - this.now();
		if (remaining <= 0) {
			this.finish(id, failure(id, "timeout", `the deadline passed before ${name} arrived`));
			return;
		}
		void this.run(frame, remaining);
	}

	/**
	 * Answers a command frame `parseFrame` refused but whose id was readable: `unsupported` for a name
	 * this agent does not know (or another protocol version), `invalid` for bad arguments, at once,
	 * so the job fails now instead of at its deadline.
	 */
	refuse(error: FrameError, text: string): void {
		const id = error.id;
		if (!id) return;
		const raw = peek(text);
		// Only commands are answered; a refused frame of another type with an id is just dropped.
		if (raw?.type !== "command") return;
		const name = raw.name;
		if (this.answers.has(id) || this.running.has(id)) {
			this.handleRepeat(id);
			return;
		}
		const known = CommandName.safeParse(name).success && error.reason === "invalid";
		const code: AnswerErrorCode = known ? "invalid" : "unsupported";
		const why = known ? error.message : `this agent does not support ${String(name).slice(0, 64)} (${error.message})`;
		this.finish(id, failure(id, code, why));
	}

	/** Aborts everything running (the agent is stopping); nothing is answered for them. */
	abortAll(): void {
		for (const controller of this.running.values()) controller.abort(new CommandError("failed", "agent stopping"));
	}

	private handleRepeat(id: string): void {
		const known = this.answers.get(id);
		if (known) this.options.send(known);
	}

	private async run(frame: CommandFrame, remainingMs: number): Promise<void> {
		const { id, name, deadline } = frame;
		const controller = new AbortController();
		this.running.set(id, controller);
		const log = this.options.log.child({ id, name });
		log.info("command start", { args: loggableArgs(frame.args), deadline });
		const started = this.now();
		const context: CommandContext = {
			signal: controller.signal,
			deadline,
			remainingMs: () => Math.max(0, deadline - this.now()),
			progress: (percent, text) => {
				if (!controller.signal.aborted) this.options.send({ type: "progress", v: PROTOCOL_VERSION, id, percent, text });
			},
		};
		let timer: NodeJS.Timeout | undefined;
		const expired = new Promise<AnswerFrame>((resolve) => {
			timer = setTimeout(() => {
				controller.abort(new CommandError("timeout", `${name} did not finish before its deadline`));
				resolve(failure(id, "timeout", `${name} did not finish before its deadline`));
			}, remainingMs);
			// A deadline alone must not keep a stopping agent alive.
			timer.unref();
		});
		const handler = this.options.handlers[name] as (args: unknown, context: CommandContext) => Promise<unknown>;
		const work = handler(frame.args, context).then(
			(result) => success(id, name, result),
			(error: unknown) => failure(id, codeOf(error), errorText(error) || `${name} failed`),
		);
		const answer = await Promise.race([work, expired]);
		clearTimeout(timer);
		log.info("command done", {
			ok: answer.ok,
			ms: this.now() - started,
			...(answer.ok ? {} : { code: answer.error.code, text: answer.error.text }),
		});
		this.running.delete(id);
		this.remember(id, answer);
		// On disk before the Worker hears of it: a guest the answer reports, or an answer a resend
		// should get, must not be lost if the agent is killed right after sending.
		await this.options.store
			.flush()
			.catch((error: unknown) => log.error("state file not written before the answer", { error: errorText(error) }));
		this.send(id, answer);
	}

	/** A command refused or already past its deadline changed nothing: answered at once, saved with the next batch. */
	private finish(id: string, answer: AnswerFrame): void {
		this.remember(id, answer);
		this.options.store.changed();
		this.send(id, answer);
	}

	private remember(id: string, answer: AnswerFrame): void {
		this.answers.set(id, answer);
		while (this.answers.size > this.limit) {
			const oldest = this.answers.keys().next().value;
			if (oldest === undefined) break;
			this.answers.delete(oldest);
		}
		this.options.store.data.answers = [...this.answers.entries()];
	}

	private send(id: string, answer: AnswerFrame): void {
		if (!this.options.send(answer)) this.options.log.info("answer kept for the resend (no link)", { id });
	}
}

function success(id: string, name: CommandFrame["name"], result: unknown): AnswerFrame {
	// Checked like the Worker will check it, so a handler bug shows here as `failed`, not as a
	// refused answer and a job that waits for its deadline.
	const checked = parseCommandResult(name, result);
	if (!checked.ok) return failure(id, "failed", checked.error);
	return { type: "answer", v: PROTOCOL_VERSION, id, ok: true, result: checked.result as JsonValue };
}

function failure(id: string, code: AnswerErrorCode, text: string): AnswerFrame {
	return { type: "answer", v: PROTOCOL_VERSION, id, ok: false, error: { code, text: text.slice(0, 4096) || code } };
}

/** The top-level fields of a frame text that parseFrame refused (it was under the size limit). */
function peek(text: string): { type?: unknown; name?: unknown } | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return value && typeof value === "object" ? (value as { type?: unknown; name?: unknown }) : undefined;
	} catch {
		return undefined;
	}
}

function codeOf(error: unknown): AnswerErrorCode {
	if (error instanceof CommandError) return error.code;
	const code = (error as { code?: unknown })?.code;
	if (code === "unreachable" || code === "timeout") return code;
	return "failed";
}

/**
 * The args as the log may show them: a URL loses its user, password, query and fragment (a signed
 * template URL carries its credential there).
 */
export function loggableArgs(args: CommandFrame["args"]): unknown {
	// A config drive carries the guest's user data, which often holds passwords: names and sizes only.
	if ("domain" in args && args.domain.configDrive) {
		const { configDrive } = args.domain;
		const files = configDrive.files.map((f) => ({ name: f.name, base64Bytes: f.base64.length }));
		return { ...args, domain: { ...args.domain, configDrive: { ...configDrive, files } } };
	}
	if (!("url" in args) || typeof args.url !== "string") return args;
	try {
		const url = new URL(args.url);
		return { ...args, url: `${url.protocol}//${url.host}${url.pathname}` };
	} catch {
		return { ...args, url: "(unreadable)" };
	}
}
