/**
 * Black-box clients for the Worker under test: session calls (login cookie + sessionkey) and
 * signed calls (CloudStack's HMAC-SHA1), through `exports.default.fetch` in workerd.
 */
import { exports } from "cloudflare:workers";
import { canonicalQuery, importSigningKey, sign } from "../../worker/src/api/signature";

export const ADMIN_PASSWORD = "test-admin-password";
const BASE = "http://127.0.0.1:8080/client/api";

export type Params = Record<string, string>;

export interface ApiResult {
	status: number;
	headers: Headers;
	text: string;
	// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
	body: any;
}

async function toResult(response: Response): Promise<ApiResult> {
	const text = await response.text();
	let body: unknown = null;
	if ((response.headers.get("content-type") ?? "").startsWith("application/json")) body = JSON.parse(text);
	return { status: response.status, headers: response.headers, text, body };
}

/** A raw request: GET with a query string, or POST with a form body. */
export async function request(
	params: Params,
	options: { method?: "GET" | "POST"; cookie?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
	const query = new URLSearchParams(params).toString();
	const headers: Record<string, string> = { ...options.headers };
	if (options.cookie) headers.cookie = options.cookie;
	if (options.method === "POST") {
		headers["content-type"] = "application/x-www-form-urlencoded";
		return toResult(await exports.default.fetch(BASE, { method: "POST", body: query, headers }));
	}
	return toResult(await exports.default.fetch(`${BASE}?${query}`, { headers }));
}

export interface Session {
	cookie: string;
	sessionkey: string;
	userid: string;
	call(params: Params, method?: "GET" | "POST"): Promise<ApiResult>;
}

/** Logs in and returns a session client that sends the cookies and the sessionkey parameter. */
export async function login(username = "admin", password = ADMIN_PASSWORD, extra: Params = {}): Promise<Session> {
	const result = await request(
		{ command: "login", username, password, response: "json", ...extra },
		{ method: "POST" },
	);
	if (result.status !== 200) throw new Error(`login failed: ${result.text}`);
	const cookie = result.headers
		.getSetCookie()
		.map((c) => c.split(";")[0])
		.join("; ");
	const { sessionkey, userid } = result.body.loginresponse;
	return {
		cookie,
		sessionkey,
		userid,
		call: (params, method = "GET") => request({ response: "json", ...params, sessionkey }, { method, cookie }),
	};
}

export interface Keys {
	apikey: string;
	secretkey: string;
}

/** Signs params the strict CloudStack way (signatureVersion 3 unless `expires` is given as ""). */
export async function signed(keys: Keys, params: Params, method: "GET" | "POST" = "GET"): Promise<ApiResult> {
	const all: Params = { response: "json", ...params, apiKey: keys.apikey };
	const raw = Object.entries(all).map(([name, value]) => ({ name, value }));
	const signature = await sign(await importSigningKey(keys.secretkey), canonicalQuery(raw).toLowerCase());
	return request({ ...all, signature }, { method });
}

/** An `expires` value `seconds` from now in CloudStack's format. */
export function expiresIn(seconds: number): string {
	return `${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19)}+0000`;
}

/** Registers keys for the session's own user. */
export async function ownKeys(session: Session): Promise<Keys> {
	const result = await session.call({ command: "registerUserKeys", id: session.userid }, "POST");
	return result.body.registeruserkeysresponse.userkeys;
}
