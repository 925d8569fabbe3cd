/**
 * @module The agent's log: one JSON object per line on stderr, `{t, level, msg, ...fields}`, so
 * journald, a log shipper or a test can read it. Fields whose names look like credentials are
 * replaced before writing: tokens, keys and JWTs never reach a log line.
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
	debug(msg: string, fields?: LogFields): void;
	info(msg: string, fields?: LogFields): void;
	warn(msg: string, fields?: LogFields): void;
	error(msg: string, fields?: LogFields): void;
	/** A logger that adds `fields` to every line. */
	child(fields: LogFields): Logger;
}

export interface LoggerOptions {
	level?: LogLevel;
	/** Where a finished line goes; stderr unless a test wants it. */
	write?: (line: string) => void;
	now?: () => number;
}

// Matched against field names at any depth: a credential under any of these names is never printed.
const SECRET_FIELD = /token|jwt|secret|password|authorization|private|^d$|^key$|bearer/i;
const REDACTED = "[redacted]";

/** Creates the logger; lines below `level` are dropped. */
export function createLogger({
	level = "info",
	write = (line) => process.stderr.write(line),
	now = Date.now,
}: LoggerOptions = {}): Logger {
	const threshold = LOG_LEVELS.indexOf(level);
	const make = (base: LogFields): Logger => {
		const emit = (lineLevel: LogLevel, msg: string, fields?: LogFields) => {
			if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
			const record = { t: new Date(now()).toISOString(), level: lineLevel, msg, ...redact(base), ...redact(fields) };
			write(`${JSON.stringify(record)}\n`);
		};
		return {
			debug: (msg, fields) => emit("debug", msg, fields),
			info: (msg, fields) => emit("info", msg, fields),
			warn: (msg, fields) => emit("warn", msg, fields),
			error: (msg, fields) => emit("error", msg, fields),
			child: (fields) => make({ ...base, ...fields }),
		};
	};
	return make({});
}

/** A logger that prints nothing, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ write: () => {} });

/** Whether `name` is a valid log level. */
export function isLogLevel(name: unknown): name is LogLevel {
	return typeof name === "string" && (LOG_LEVELS as readonly string[]).includes(name);
}

/** An error as a short loggable value (its message, not its stack). */
export function errorText(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

function redact(fields: LogFields | undefined, depth = 0): LogFields {
	if (!fields) return {};
	const out: LogFields = {};
	for (const [name, value] of Object.entries(fields)) {
		if (SECRET_FIELD.test(name)) out[name] = REDACTED;
		else if (value instanceof Error) out[name] = errorText(value);
		else if (depth < 4 && value && typeof value === "object" && !Array.isArray(value)) {
			out[name] = redact(value as LogFields, depth + 1);
		} else out[name] = value;
	}
	return out;
}
