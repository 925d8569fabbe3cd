/**
 * @module The API caller: signed requests (API key + secret) or a login session (cookies plus the
 * `sessionkey` parameter, cached per profile and renewed once on 401). GET for
 * `get|list|query|find` commands, a POST form otherwise, as CloudStack's own clients do.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { cacheDir, type Environment, type ResolvedProfile, writePrivateJson } from "./config.ts";
import { ApiError, CliError } from "./errors.ts";
import { encodeQuery, type Param, signParams } from "./sign.ts";

export type Json = Record<string, unknown>;

/** How far ahead signed requests expire (signatureVersion 3). */
const REQUEST_EXPIRY_MS = 5 * 60_000;
const READ_ONLY = /^(get|list|query|find)/;

interface Session {
	url: string;
	username: string;
	sessionkey: string;
	cookie: string;
}

export class ApiClient {
	readonly profileName: string;
	readonly url: string;
	private readonly profile: ResolvedProfile["profile"];
	private session: Session | undefined;
	private readonly sessionFile: string;

	constructor({ name, profile }: ResolvedProfile, env: Environment = process.env) {
		this.profileName = name;
		this.profile = profile;
		this.url = profile.url;
		this.sessionFile = path.join(cacheDir(env), `${name}.session.json`);
	}

	get usesKeys(): boolean {
		return Boolean(this.profile.apikey && this.profile.secretkey);
	}

	/** Calls `command` and returns the inner object of its `<command>response` envelope. */
	async call(command: string, params: readonly Param[] = []): Promise<Json> {
		if (this.usesKeys) return this.send(command, params, "keys");
		if (!this.profile.username || this.profile.password === undefined) {
			throw new CliError(
				`profile ${this.profileName} has neither apikey + secretkey nor username + password: ` +
					"run `flarestack profile add` again with one of them",
			);
		}
		const cached = this.session ?? (await this.loadSession());
		if (cached) {
			this.session = cached;
			try {
				return await this.send(command, params, "session");
			} catch (error) {
				if (!(error instanceof ApiError) || error.errorCode !== 401) throw error;
				// The session timed out or was ended: log in once more.
			}
		}
		await this.login();
		return this.send(command, params, "session");
	}

	/** Logs in with the profile's username and password and caches the session. */
	async login(): Promise<void> {
		const params: Param[] = [
			["command", "login"],
			["username", this.profile.username ?? ""],
			["password", this.profile.password ?? ""],
			["domain", this.profile.domain ?? "/"],
			["response", "json"],
		];
		const res = await this.fetch("login", "POST", params, undefined);
		const inner = await this.inner("login", res, true);
		const sessionkey = inner.sessionkey;
		if (typeof sessionkey !== "string") throw new CliError(`login answered without a sessionkey`);
		const cookies = res.headers
			.getSetCookie()
			.map((c) => c.split(";")[0] ?? "")
			.filter((c) => c.includes("="));
		if (!cookies.some((c) => c.startsWith("sessionkey="))) cookies.push(`sessionkey=${encodeURIComponent(sessionkey)}`);
		this.session = { url: this.url, username: this.profile.username ?? "", sessionkey, cookie: cookies.join("; ") };
		await writePrivateJson(this.sessionFile, this.session);
	}

	private async loadSession(): Promise<Session | undefined> {
		try {
			const session = JSON.parse(await readFile(this.sessionFile, "utf8")) as Session;
			if (session.url === this.url && session.username === this.profile.username) return session;
		} catch {
			// No usable session: log in.
		}
		return undefined;
	}

	/** Forgets the cached session (after logout). */
	async dropSession(): Promise<void> {
		this.session = undefined;
		await rm(this.sessionFile, { force: true });
	}

	private async send(command: string, given: readonly Param[], auth: "keys" | "session"): Promise<Json> {
		const params: Param[] = given.filter(([name]) => !["command", "response"].includes(name.toLowerCase()));
		params.unshift(["command", command]);
		params.push(["response", "json"]);
		let cookie: string | undefined;
		let all: Param[];
		if (auth === "keys") {
			all = signParams(
				params,
				{ apiKey: this.profile.apikey ?? "", secretKey: this.profile.secretkey ?? "" },
				new Date(Date.now() + REQUEST_EXPIRY_MS),
			);
		} else {
			const session = this.session as Session;
			all = [...params.filter(([name]) => name.toLowerCase() !== "sessionkey"), ["sessionkey", session.sessionkey]];
			cookie = session.cookie;
		}
		const method = READ_ONLY.test(command) ? "GET" : "POST";
		const res = await this.fetch(command, method, all, cookie);
		const inner = await this.inner(command, res, false);
		if (command === "logout" && auth === "session") await this.dropSession();
		return inner;
	}

	private async fetch(command: string, method: "GET" | "POST", params: Param[], cookie?: string): Promise<Response> {
		const query = encodeQuery(params);
		const headers: Record<string, string> = { accept: "application/json" };
		if (cookie) headers.cookie = cookie;
		const timeoutMs = (this.profile.timeout ?? 60) * 1000;
		try {
			if (method === "GET") {
				const separator = this.url.includes("?") ? "&" : "?";
				return await fetch(`${this.url}${separator}${query}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
			}
			headers["content-type"] = "application/x-www-form-urlencoded";
			return await fetch(this.url, { method, headers, body: query, signal: AbortSignal.timeout(timeoutMs) });
		} catch (error) {
			const err = error as Error & { cause?: { code?: string; message?: string } };
			const why =
				err.name === "TimeoutError"
					? `no answer within ${timeoutMs / 1000} s`
					: (err.cause?.code ?? err.cause?.message ?? err.message);
			throw new CliError(
				`cannot reach ${this.url} (${why}) while calling ${command}: is the endpoint up, and is the url of profile ${this.profileName} right?`,
			);
		}
	}

	private async inner(command: string, res: Response, isLogin: boolean): Promise<Json> {
		const text = await res.text();
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			throw new CliError(
				`${this.url} answered ${command} with HTTP ${res.status} and no CloudStack JSON ` +
					`(${res.headers.get("content-type") ?? "no content type"}): is it a …/client/api endpoint?`,
			);
		}
		const values = body && typeof body === "object" ? Object.values(body as Json) : [];
		const inner = (values.length === 1 ? values[0] : undefined) as Json | undefined;
		if (!inner || typeof inner !== "object") {
			throw new CliError(`${command}: unexpected response (HTTP ${res.status}): ${text.slice(0, 300)}`);
		}
		if ("errorcode" in inner || res.status >= 400) {
			const code = Number(inner.errorcode ?? res.status);
			const errorText = typeof inner.errortext === "string" ? inner.errortext : `HTTP ${res.status}`;
			let hint: string | undefined;
			if (isLogin) {
				hint = `login as ${this.profile.username} failed: check username, password and domain of profile ${this.profileName}`;
			} else if (code === 401) {
				hint = this.usesKeys
					? `the credentials were refused: check apikey and secretkey of profile ${this.profileName} (and the clock, signed requests expire)`
					: `the session was refused for profile ${this.profileName}`;
			}
			throw new ApiError(code, errorText, hint);
		}
		return inner;
	}
}
