/**
 * @module The console's only way to the cloud: CloudStack API calls to /client/api with the session
 * (the HttpOnly JSESSIONID cookie plus the sessionkey parameter). The sessionkey lives in memory
 * only, never in browser storage: a reload asks for the password again.
 */

/** A CloudStack error response: `code` is the errorcode (401, 431, 530…), `text` its errortext. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly text: string,
		readonly command: string,
	) {
		super(text);
		this.name = "ApiError";
	}
}

/** An API object as the JSON response has it (fields are lower-case CloudStack names). */
// biome-ignore lint/suspicious/noExplicitAny: API responses are untyped JSON; pages read the fields they show.
export type Row = Record<string, any>;

export type Params = Record<string, string | number | boolean | undefined | null>;

let sessionKey: string | null = null;
let onExpired: (() => void) | null = null;

export function setSessionKey(key: string | null): void {
	sessionKey = key;
}

export function hasSession(): boolean {
	return sessionKey !== null;
}

/** Called once when a call answers 401: the session has expired or was logged out elsewhere. */
export function onSessionExpired(handler: (() => void) | null): void {
	onExpired = handler;
}

function body(command: string, params: Params): URLSearchParams {
	const form = new URLSearchParams({ command, response: "json" });
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined || value === null || value === "") continue;
		form.set(key, String(value));
	}
	if (sessionKey) form.set("sessionkey", sessionKey);
	return form;
}

/**
 * Calls one command (POST, so passwords and user data stay out of URLs) and returns the inner
 * object of `<command>response`, e.g. `{count, zone: [...]}` for listZones or `{jobid}` for an async
 * command. Throws ApiError for an error response, and for a network failure (code 0).
 */
export async function call(command: string, params: Params = {}): Promise<Row> {
	let response: Response;
	try {
		// Same origin: the browser sends the session cookie by default.
		response = await fetch("/client/api", {
			method: "POST",
			body: body(command, params),
			headers: { accept: "application/json" },
		});
	} catch {
		throw new ApiError(0, "The control plane cannot be reached; check your connection and try again.", command);
	}
	let json: Row;
	try {
		json = (await response.json()) as Row;
	} catch {
		throw new ApiError(response.status, `The control plane answered ${response.status} without a JSON body.`, command);
	}
	const inner = (json[`${command.toLowerCase()}response`] ?? json.errorresponse ?? Object.values(json)[0] ?? {}) as Row;
	if (inner.errorcode !== undefined || !response.ok) {
		const code = Number(inner.errorcode ?? response.status);
		if (code === 401 && sessionKey && command !== "login") {
			sessionKey = null;
			onExpired?.();
		}
		throw new ApiError(code, String(inner.errortext ?? `Request failed with status ${response.status}`), command);
	}
	return inner;
}

/** The rows of a list response: `listZones` → `response.zone ?? []`. */
export function rowsOf(response: Row, key: string): Row[] {
	return (response[key] as Row[] | undefined) ?? [];
}

/** The object inside a job result or a create answer: `{template: {...}}` → the template. */
export function innerObject(result: Row | undefined): Row {
	if (!result) return {};
	const value = Object.values(result).find((item) => item && typeof item === "object");
	if (Array.isArray(value)) return (value[0] as Row | undefined) ?? {};
	return (value as Row | undefined) ?? result;
}
