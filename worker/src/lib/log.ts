/** @module The one logger: JSON lines with a request id; callers never pass parameters or secrets. */

export function logError(requestId: string, message: string, error: unknown): void {
	const detail = error instanceof Error ? { name: error.name, stack: error.stack } : { error };
	console.error(JSON.stringify({ level: "error", requestId, message, ...detail }));
}
