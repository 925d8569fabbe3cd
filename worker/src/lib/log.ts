/** @module The one logger: JSON lines with a request id; callers never pass parameters or secrets. */

/**
 * drizzle's "Failed query" errors append the statement's bound values (`params: …`), which may
 * hold password hashes, encrypted keys or URLs with tokens: they never reach a log line.
 */
export function redact(text: string): string {
	return text.replace(/params: .*/g, "params: [redacted]");
}

export function logError(requestId: string, message: string, error: unknown): void {
	const detail =
		error instanceof Error
			? { name: error.name, stack: redact(error.stack ?? error.message) }
			: { error: redact(String(error)) };
	console.error(JSON.stringify({ level: "error", requestId, message, ...detail }));
}

/** A warning with a few plain fields (ids, reasons): never frame contents, tokens or keys. */
export function logWarn(requestId: string, message: string, fields: Record<string, unknown> = {}): void {
	console.warn(JSON.stringify({ level: "warn", requestId, message, ...fields }));
}
