/**
 * @module The agent's one WebSocket to the Worker, kept up for as long as the agent runs.
 *
 * Each attempt: a fresh JWT in `Authorization`, `GET {url}/relay/v1/connect?zoneid=…` upgraded to a
 * WebSocket, `hello` first, then `ready` says the role and the heartbeat. The agent sends PING_TEXT
 * every `heartbeatMs` (the Durable Object answers PONG_TEXT without waking) and drops a link that
 * has been silent for `missedBeats` beats. Lost links are retried after a full-jitter exponential
 * backoff; a refusal with HTTP 403 or a `close {revoked}` frame is fatal (the relay was revoked or
 * is unknown): `run` resolves with it and the agent exits with code 2 rather than knock forever.
 */
import {
	type CommandFrame,
	encodeFrame,
	type FrameError,
	type HelloFrame,
	isFatalClose,
	MAX_FRAME_BYTES,
	PING_TEXT,
	PONG_TEXT,
	parseFrame,
	type RelayRole,
	type ToWorkerFrame,
} from "@flarestack/protocol";
import WebSocket from "ws";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { errorText, type Logger } from "./log.ts";

export interface LinkEvent {
	state: "connecting" | "connected" | "disconnected";
	role?: RelayRole;
	sessionId?: string;
	lastError?: string;
}

export interface ConnectionOptions {
	/** The control plane's base URL (http(s)://…); the socket uses ws(s)://. */
	url: string;
	zoneId: string;
	/** A new connect JWT; called once per attempt (the Worker refuses a replayed jti). */
	credential: () => Promise<string>;
	/** The full inventory, built at the moment it is sent. */
	hello: () => HelloFrame;
	onCommand: (frame: CommandFrame) => void;
	/** A frame parseFrame refused that carried an id (a command the agent may answer at once). */
	onRefused?: (error: FrameError, text: string) => void;
	/** Link changes, for the status file and for starting and stopping work by role. */
	onLink?: (event: LinkEvent) => void;
	log: Logger;
	backoff?: BackoffOptions;
	/** Drop a socket that sent no `ready` this long after `hello`. */
	readyTimeoutMs?: number;
	/** Beats without a word from the Worker before the link counts as dead. */
	missedBeats?: number;
	/** A session at least this long resets the backoff, even without `ready`. */
	stableSessionMs?: number;
	handshakeTimeoutMs?: number;
}

/** How `run` ended: `stop()` was called, or the Worker refused this relay for good. */
export type RunOutcome = { kind: "stopped" } | { kind: "fatal"; reason: string; text: string };

interface SessionEnd {
	fatal?: { reason: string; text: string };
	gotReady: boolean;
	/** Another socket of this relay took over: backing off fully keeps two copies from trading places fast. */
	replaced?: boolean;
	lastedMs: number;
}

// Relative, so a control plane served under a path prefix keeps it.
const SOCKET_PATH = "relay/v1/connect";

/** The WebSocket URL for `baseUrl` and `zoneId`. */
export function connectUrl(baseUrl: string, zoneId: string): string {
	const url = new URL(SOCKET_PATH, `${baseUrl.replace(/\/+$/, "")}/`);
	url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
	url.searchParams.set("zoneid", zoneId);
	return url.toString();
}

export class Connection {
	private readonly options: ConnectionOptions;
	private readonly backoff: BackoffOptions;
	private socket: WebSocket | undefined;
	private helloSent = false;
	private currentRole: RelayRole | undefined;
	private stopped = false;
	private wake: (() => void) | undefined;

	constructor(options: ConnectionOptions) {
		this.options = options;
		this.backoff = options.backoff ?? DEFAULT_BACKOFF;
	}

	/** This session's role, or undefined while there is no session. */
	get role(): RelayRole | undefined {
		return this.currentRole;
	}

	/** Sends a frame on the open session; false (and nothing sent) when there is none. */
	send(frame: ToWorkerFrame): boolean {
		const socket = this.socket;
		if (!socket || socket.readyState !== WebSocket.OPEN || !this.helloSent) return false;
		try {
			socket.send(encodeFrame(frame));
			return true;
		} catch (error) {
			this.options.log.error("frame not sent", { type: frame.type, error: errorText(error) });
			return false;
		}
	}

	/** Connects and stays connected until `stop()` or a fatal refusal. */
	async run(): Promise<RunOutcome> {
		const { log } = this.options;
		let attempt = 0;
		while (!this.stopped) {
			const end = await this.session();
			if (end.fatal) return { kind: "fatal", ...end.fatal };
			if (this.stopped) break;
			const stable = end.gotReady || end.lastedMs >= (this.options.stableSessionMs ?? 30_000);
			if (stable && !end.replaced) attempt = 0;
			const delay = backoffDelay(attempt, this.backoff);
			attempt++;
			log.info("reconnecting", { inMs: delay, attempt });
			await this.sleep(delay);
		}
		return { kind: "stopped" };
	}

	/** Closes the link for good; `run` resolves with `stopped`. */
	stop(): void {
		this.stopped = true;
		this.wake?.();
		const socket = this.socket;
		if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000, "agent stopping");
		else socket?.terminate();
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.wake = done;
		});
	}

	/** One connection attempt, from the JWT to the socket's close. */
	private async session(): Promise<SessionEnd> {
		const { log, url, zoneId } = this.options;
		const started = Date.now();
		this.options.onLink?.({ state: "connecting" });
		let jwt: string;
		try {
			jwt = await this.options.credential();
		} catch (error) {
			log.error("cannot sign the connect JWT", { error: errorText(error) });
			return { gotReady: false, lastedMs: 0 };
		}
		const target = connectUrl(url, zoneId);
		log.debug("connecting", { url: target });
		const socket = new WebSocket(target, {
			headers: { Authorization: `Bearer ${jwt}` },
			handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
			maxPayload: MAX_FRAME_BYTES + 1024,
			perMessageDeflate: false,
		});
		this.socket = socket;
		this.helloSent = false;

		return new Promise<SessionEnd>((resolve) => {
			let fatal: SessionEnd["fatal"];
			let gotReady = false;
			let replaced = false;
			let lastError: string | undefined;
			let lastHeard = Date.now();
			let heartbeat: NodeJS.Timeout | undefined;
			let readyTimer: NodeJS.Timeout | undefined;

			const startHeartbeat = (heartbeatMs: number) => {
				clearInterval(heartbeat);
				const missed = this.options.missedBeats ?? 3;
				heartbeat = setInterval(() => {
					if (Date.now() - lastHeard > missed * heartbeatMs) {
						log.warn("no pong from the Worker, reconnecting", { silentMs: Date.now() - lastHeard, heartbeatMs });
						socket.terminate();
						return;
					}
					if (socket.readyState === WebSocket.OPEN) socket.send(PING_TEXT);
				}, heartbeatMs);
			};

			const sendHello = () => {
				const hello = this.options.hello();
				try {
					socket.send(encodeFrame(hello));
				} catch (error) {
					// Over the frame limit: nothing useful can follow without a hello, so say why and retry later.
					log.error("cannot send hello", { error: errorText(error), hosts: hello.hosts.length });
					socket.terminate();
					return;
				}
				this.helloSent = true;
				log.info("hello sent", { hosts: hello.hosts.length, recentCommands: hello.recentCommandIds.length });
			};

			socket.on("unexpected-response", (_request, response) => {
				const status = response.statusCode ?? 0;
				let body = "";
				response.setEncoding("utf8");
				response.on("data", (chunk: string) => {
					if (body.length < 4096) body += chunk;
				});
				const settle = () => {
					const { reason, error } = refusalOf(body);
					const fields = { status, reason, error };
					if (status === 403) {
						fatal = { reason: reason || "forbidden", text: error || `the Worker refused this relay (HTTP 403)` };
						log.error("relay refused for good: revoked or unknown; not retrying", fields);
					} else if (status === 401) {
						log.warn("connect refused (credential), retrying with a new JWT", fields);
					} else log.warn("connect refused", fields);
					lastError = `HTTP ${status}${reason ? ` ${reason}` : ""}`;
					socket.terminate();
				};
				response.on("end", settle);
				response.on("error", settle);
			});

			socket.on("open", () => {
				log.info("connected", { url: target });
				lastHeard = Date.now();
				sendHello();
				readyTimer = setTimeout(() => {
					log.warn("no ready from the Worker, reconnecting", { ms: this.options.readyTimeoutMs ?? 15_000 });
					socket.terminate();
				}, this.options.readyTimeoutMs ?? 15_000);
			});

			socket.on("message", (data, isBinary) => {
				lastHeard = Date.now();
				if (isBinary) return log.warn("dropped a binary frame");
				const text = data.toString();
				if (text === PONG_TEXT) return;
				const parsed = parseFrame(text, "toAgent");
				if (!parsed.ok) {
					log.warn("dropped frame", { reason: parsed.error.reason, message: parsed.error.message });
					if (parsed.error.id) this.options.onRefused?.(parsed.error, text);
					return;
				}
				const frame = parsed.frame;
				switch (frame.type) {
					case "pong":
						return;
					case "ready": {
						clearTimeout(readyTimer);
						const previous = this.currentRole;
						this.currentRole = frame.role;
						startHeartbeat(frame.heartbeatMs);
						if (!gotReady) {
							gotReady = true;
							log.info("ready", { role: frame.role, sessionId: frame.sessionId, heartbeatMs: frame.heartbeatMs });
						} else if (previous === "standby" && frame.role === "active") {
							log.info("promoted to active", { role: frame.role, sessionId: frame.sessionId });
							sendHello();
						} else log.info("ready again", { role: frame.role, sessionId: frame.sessionId });
						this.options.onLink?.({ state: "connected", role: frame.role, sessionId: frame.sessionId });
						return;
					}
					case "command":
						return this.options.onCommand(frame);
					case "close":
						if (isFatalClose(frame.reason)) {
							fatal = { reason: frame.reason, text: frame.text };
							log.error("relay revoked by the control plane; not retrying", { reason: frame.reason, text: frame.text });
						} else if (frame.reason === "replaced") {
							replaced = true;
							log.warn("replaced by another connection of this relay (is a second agent running with this config?)", {
								reason: frame.reason,
								text: frame.text,
							});
						} else log.warn("the Worker is closing the session", { reason: frame.reason, text: frame.text });
						lastError = `closed: ${frame.reason}`;
						socket.close(1000, frame.reason);
						return;
				}
			});

			socket.on("error", (error) => {
				// ws reports an aborted handshake (our own terminate after a refusal) as an error too.
				if (!lastError) lastError = errorText(error);
				log.debug("socket error", { error: errorText(error) });
			});

			socket.on("close", (code, reason) => {
				clearInterval(heartbeat);
				clearTimeout(readyTimer);
				if (this.socket === socket) this.socket = undefined;
				this.helloSent = false;
				this.currentRole = undefined;
				const lastedMs = Date.now() - started;
				if (gotReady || code !== 1006) {
					log.info("disconnected", { code, reason: reason.toString().slice(0, 120), lastedMs });
				} else log.warn("connect failed", { error: lastError, lastedMs });
				this.options.onLink?.({ state: "disconnected", ...(lastError ? { lastError } : {}) });
				resolve({ ...(fatal ? { fatal } : {}), gotReady, replaced, lastedMs });
			});
		});
	}
}

/** `{error, reason}` from a refusal's JSON body, or empty strings. */
function refusalOf(body: string): { reason: string; error: string } {
	try {
		const value = JSON.parse(body) as { reason?: unknown; error?: unknown };
		return {
			reason: typeof value.reason === "string" ? value.reason.slice(0, 64) : "",
			error: typeof value.error === "string" ? value.error.slice(0, 256) : "",
		};
	} catch {
		return { reason: "", error: body.slice(0, 256) };
	}
}
