/**
 * @module A minimal CloudStack API caller for black-box tests and the benchmark: session login
 * over HTTP, and requests signed the way CloudStack's own server checks them (the strict Java
 * form). Erasable TypeScript only, so plain `node` can import it.
 */
import { createHmac } from "node:crypto";

export type Params = Record<string, string>;

export interface Session {
	userId: string;
	sessionKey: string;
	/** The Cookie header to send: JSESSIONID and sessionkey. */
	cookie: string;
}

export interface Keys {
	apiKey: string;
	secretKey: string;
}

export interface ApiResult {
	status: number;
	/** The parsed JSON body (the `<command>response` envelope). */
	body: Record<string, unknown>;
}

/** Java's `URLEncoder.encode(v).replace("+", "%20")`: leaves `*` alone, encodes `~ ! ' ( )`. */
export function encodeValue(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()~]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
	);
}

/** CloudStack's signature: names sorted as sent, values Java-encoded, lower-cased, HMAC-SHA1, Base64. */
export function sign(params: Params, secretKey: string): string {
	const canonical = Object.keys(params)
		.filter((name) => name.toLowerCase() !== "signature")
		.sort()
		.map((name) => `${name}=${encodeValue(params[name] ?? "")}`)
		.join("&")
		.toLowerCase();
	return createHmac("sha1", secretKey).update(canonical).digest("base64");
}

/** The query string of a signed request (signature appended, as clients do). */
export function signedQuery(command: string, params: Params, keys: Keys): string {
	const all: Params = { ...params, command, apiKey: keys.apiKey, response: "json" };
	const signature = sign(all, keys.secretKey);
	return new URLSearchParams({ ...all, signature }).toString();
}

async function parse(res: Response): Promise<ApiResult> {
	const text = await res.text();
	try {
		return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
	} catch {
		throw new Error(`HTTP ${res.status} with a non-JSON body: ${text.slice(0, 500)}`);
	}
}

/** Logs in with a password and returns the session (both cookies and the session key). */
export async function login(apiUrl: string, username: string, password: string, domain = "/"): Promise<Session> {
	const res = await fetch(apiUrl, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ command: "login", username, password, domain, response: "json" }),
	});
	const { status, body } = await parse(res);
	const data = body.loginresponse as Record<string, unknown> | undefined;
	if (status !== 200 || typeof data?.sessionkey !== "string" || typeof data.userid !== "string") {
		throw new Error(`login as ${username} failed: HTTP ${status} ${JSON.stringify(body)}`);
	}
	const cookies = res.headers
		.getSetCookie()
		.map((c) => c.split(";")[0] ?? "")
		.filter((c) => /^(JSESSIONID|sessionkey)=./.test(c));
	if (!cookies.some((c) => c.startsWith("JSESSIONID="))) {
		throw new Error(`login set no JSESSIONID cookie: ${JSON.stringify(res.headers.getSetCookie())}`);
	}
	// Send the session key as a cookie even if the server did not set it, as the UI does.
	if (!cookies.some((c) => c.startsWith("sessionkey=")))
		cookies.push(`sessionkey=${encodeURIComponent(data.sessionkey)}`);
	return { userId: data.userid, sessionKey: data.sessionkey, cookie: cookies.join("; ") };
}

/** A session-authenticated call: cookies plus the `sessionkey` parameter. */
export async function sessionCall(
	apiUrl: string,
	session: Session,
	command: string,
	params: Params = {},
	method: "GET" | "POST" = "POST",
): Promise<ApiResult> {
	const query = new URLSearchParams({ ...params, command, sessionkey: session.sessionKey, response: "json" });
	const res =
		method === "GET"
			? await fetch(`${apiUrl}?${query}`, { headers: { cookie: session.cookie } })
			: await fetch(apiUrl, {
					method: "POST",
					headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
					body: query,
				});
	return parse(res);
}

/** A signed GET call. */
export async function signedCall(apiUrl: string, keys: Keys, command: string, params: Params = {}): Promise<ApiResult> {
	return parse(await fetch(`${apiUrl}?${signedQuery(command, params, keys)}`));
}

/** The inner object of a successful response, or an Error with the whole body. */
export function unwrap(result: ApiResult, command: string): Record<string, unknown> {
	const inner = result.body[`${command.toLowerCase()}response`] as Record<string, unknown> | undefined;
	if (result.status !== 200 || !inner || "errorcode" in inner) {
		throw new Error(`${command} failed: HTTP ${result.status} ${JSON.stringify(result.body)}`);
	}
	return inner;
}

/** Logs in and calls registerUserKeys for the session's own user. */
export async function adminKeys(apiUrl: string, session: Session): Promise<Keys> {
	const inner = unwrap(
		await sessionCall(apiUrl, session, "registerUserKeys", { id: session.userId }),
		"registerUserKeys",
	);
	const keys = inner.userkeys as { apikey?: unknown; secretkey?: unknown } | undefined;
	if (typeof keys?.apikey !== "string" || typeof keys.secretkey !== "string") {
		throw new Error(`registerUserKeys returned no keys: ${JSON.stringify(inner)}`);
	}
	return { apiKey: keys.apikey, secretKey: keys.secretkey };
}
