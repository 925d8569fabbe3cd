/**
 * @module The ZoneRelay Durable Object: one per zone (named by the zone id). It holds the zone's
 * relay agent sockets through the WebSocket Hibernation API (one active agent, any number of hot
 * standbys), keeps every command it sent in its storage until answered or past its deadline, and
 * writes what the site reports to D1. Heartbeats are answered by the runtime (auto-response), so
 * an idle zone costs nothing; the alarm reads their times to find a dead link and fails commands
 * whose deadline passed.
 */
import { DurableObject } from "cloudflare:workers";
import {
	COMMANDS,
	type CommandArgs,
	type CommandFrame,
	type CommandName,
	type CommandResult,
	encodeFrame,
	type HelloFrame,
	PING_TEXT,
	PONG_TEXT,
	PROTOCOL_VERSION,
	parseCommandResult,
	parseFrame,
	type RelayRole,
	type ToAgentFrame,
} from "@flarestack/protocol";
import { createDb, type Db } from "../db/client";
import { takeEventsPending } from "../db/events";
import { loadSettings } from "../db/settings";
import { systemClock } from "../lib/clock";
import { logError, logWarn } from "../lib/log";
import type { TemplateDeps } from "../templates/deps";
import { startAllocatedDownloads } from "../templates/downloads";
import { CLEANUP_TIMEOUT_MS } from "../templates/remove";
import { refreshZoneUsage } from "../templates/usage";
import { applyDomainReport, applyHostStateTruth, applyHostsTruth } from "../vms/host-truth";
import { engineDeps } from "../webhooks/engine";
import { publishAfterRequest } from "../webhooks/publisher";
import { applyHello, applyHostAnswer, applyHostReport, applyRelayConnect, applyRelayLoss, zoneName } from "./apply";
import {
	applyBackgroundOutcome,
	applyBackgroundProgress,
	type BackgroundCommand,
	beforeBackgroundSend,
	type FollowUp,
} from "./background";
import { StreamRendezvous } from "./extract";
import {
	type BackgroundContext,
	type CallOutcome,
	DEFAULT_COMMAND_TIMEOUT_MS,
	type RelayLink,
	type RelayStatus,
} from "./link";

/** What the agent is asked to beat at (PING_TEXT every so often). */
export const HEARTBEAT_MS = 5000;
/** A socket whose last ping (or frame) is older than this (two beats missed) is treated as gone. */
export const STALE_AFTER_MS = 10_000;
/** How often the alarm runs while an agent is connected or a command is pending. */
const ALARM_EVERY_MS = 5000;
/** Deadline of the commands the DO sends on its own (reconciliation). */
const RECONCILE_TIMEOUT_MS = 30_000;
const LONGEST_TIMEOUT_MS = 15 * 60_000;
/** The longest an extract download may stream (the agent stops its upload at the deadline). */
const UPLOAD_TIMEOUT_MS = 6 * 3600_000;
/** Background commands may wait much longer: a download of a big image, a cleanup for an agent that is away. */
const LONGEST_BACKGROUND_TIMEOUT_MS = 2 * 24 * 3600_000;
/** How often store usage is refreshed while an agent is connected. */
const USAGE_EVERY_MS = 60_000;
const USAGE_AT = "usage:at";

/** Kept on each socket (serializeAttachment): survives hibernation. */
interface SocketInfo {
	relayId: string;
	relayName: string;
	zoneId: string;
	sessionId: string;
	/** pending: connected, no hello yet; replaced: a newer socket of the same relay took over. */
	role: RelayRole | "pending" | "replaced" | "gone";
	connectedAt: number;
	/** The last frame other than a ping (pings are timed by the runtime). */
	lastFrameAt: number;
	/** The socket it replaced was active: it takes over without a loss in between. */
	inheritsActive?: boolean;
	/** RELAY.CONNECT was written for this socket. */
	announced?: boolean;
}

/** A command the DO sent and still waits on (storage key `cmd:<id>`). */
interface PendingCommand {
	id: string;
	name: CommandName;
	args: unknown;
	deadline: number;
	timeoutMs: number;
	sentAt: number;
	/** A background command (RelayLink.start): its outcome is applied to D1 by this. */
	context?: BackgroundContext;
	/** The zone of a background command (the alarm applies its deadline with no socket around). */
	zoneId?: string;
}

const CMD = "cmd:";

function pendingCommand(
	name: CommandName,
	args: unknown,
	timeoutMs: number,
	now: number,
	extra: Pick<PendingCommand, "context" | "zoneId"> = {},
): PendingCommand {
	return { id: crypto.randomUUID(), name, args, deadline: now + timeoutMs, timeoutMs, sentAt: now, ...extra };
}

type AnyOutcome = CallOutcome<CommandName>;

function infoOf(ws: WebSocket): SocketInfo | null {
	try {
		return (ws.deserializeAttachment() as SocketInfo | null) ?? null;
	} catch {
		return null;
	}
}

function sendFrame(ws: WebSocket, frame: ToAgentFrame): boolean {
	try {
		ws.send(encodeFrame(frame));
		return true;
	} catch {
		// A socket that is closing: the close handler deals with it.
		return false;
	}
}

function closeSocket(ws: WebSocket, code: number, reason: string): void {
	try {
		ws.close(code, reason);
	} catch {
		// Already closed.
	}
}

export class ZoneRelay extends DurableObject<Env> {
	/** In-memory waiters of `call`; a command outlives its waiter (e.g. after eviction). */
	private readonly waiters = new Map<string, (outcome: AnyOutcome) => void>();
	private readonly db: Db;
	private chain: Promise<void> = Promise.resolve();
	/** Sockets already handled as gone, in case a closed socket refused its new attachment. */
	private readonly gone = new WeakSet<WebSocket>();
	/** The last percent written per download command, so unchanged progress costs no D1 write. */
	private readonly percents = new Map<string, number>();
	/** extractTemplate downloads waiting for (or receiving) the agent's upload. */
	private readonly streams = new StreamRendezvous();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.db = createDb(env.DB);
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
	}

	// ---- the upgrade ----------------------------------------------------------------------------

	/** The upgrade, forwarded by connect.ts after the JWT was verified (x-relay-* set by the Worker). */
	override async fetch(request: Request): Promise<Response> {
		const { pathname } = new URL(request.url);
		if (pathname === "/extract") return this.extractDownload(request);
		if (pathname.startsWith("/stream/") && request.body) {
			return this.streams.upload(decodeURIComponent(pathname.slice("/stream/".length)), request.body);
		}
		const relayId = request.headers.get("x-relay-id");
		const relayName = request.headers.get("x-relay-name") ?? relayId;
		const zoneId = request.headers.get("x-zone-id");
		if (!relayId || !relayName || !zoneId || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
			return Response.json({ error: "Not a relay upgrade" }, { status: 400 });
		}
		return this.serially(() => this.accept(relayId, relayName, zoneId));
	}

	private async accept(relayId: string, relayName: string, zoneId: string): Promise<Response> {
		const now = Date.now();
		// The same relay again (a restarted agent whose old socket is half-open): the new one wins.
		let inheritsActive = false;
		for (const old of this.ctx.getWebSockets(relayId)) {
			const info = infoOf(old);
			if (!info || info.role === "replaced" || info.role === "gone") continue;
			inheritsActive ||= info.role === "active" || info.inheritsActive === true;
			old.serializeAttachment({ ...info, role: "replaced" } satisfies SocketInfo);
			sendFrame(old, this.closeFrame("replaced", "Another connection of this relay took over"));
			closeSocket(old, 1000, "replaced");
		}
		const pair = new WebSocketPair();
		const [client, server] = Object.values(pair) as [WebSocket, WebSocket];
		this.ctx.acceptWebSocket(server, [relayId]);
		server.serializeAttachment({
			relayId,
			relayName,
			zoneId,
			sessionId: crypto.randomUUID(),
			role: "pending",
			connectedAt: now,
			lastFrameAt: now,
			inheritsActive,
		} satisfies SocketInfo);
		await this.scheduleAlarm(now);
		return new Response(null, { status: 101, webSocket: client });
	}

	// ---- RPC (RelayLink) ------------------------------------------------------------------------

	/** Sends a command to the active agent and waits for its answer or its deadline. */
	async call(zoneId: string, name: CommandName, args: unknown, timeoutMs?: number): Promise<AnyOutcome> {
		if (!(name in COMMANDS)) return { ok: false, code: "invalid", text: `Unknown relay command ${name}` };
		const parsedArgs = COMMANDS[name].args.safeParse(args);
		if (!parsedArgs.success) return { ok: false, code: "invalid", text: `Bad arguments for ${name}` };
		const active = this.activeSocket();
		if (!active) {
			return {
				ok: false,
				code: "no_relay",
				text: `Zone ${await zoneName(this.db, zoneId)} has no connected relay agent`,
			};
		}
		const now = Date.now();
		const timeout = Math.min(Math.max(1, Math.floor(timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS)), LONGEST_TIMEOUT_MS);
		const command = pendingCommand(name, parsedArgs.data, timeout, now);
		const outcome = new Promise<AnyOutcome>((resolve) => this.waiters.set(command.id, resolve));
		await this.ctx.storage.put(CMD + command.id, command);
		await this.scheduleAlarm(now, command.deadline);
		sendFrame(active, this.commandFrame(command));
		return outcome;
	}

	/**
	 * Sends a command nobody waits for (RelayLink.start). It is kept like any pending command
	 * (resent after a reconnect) and its outcome is applied to D1 by its context. A cleanup is kept
	 * even with no agent connected: it goes out with the next hello.
	 */
	async start(
		zoneId: string,
		name: CommandName,
		args: unknown,
		timeoutMs: number,
		context: BackgroundContext,
	): Promise<{ ok: true; id: string } | { ok: false; code: "no_relay" | "invalid"; text: string }> {
		if (!(name in COMMANDS)) return { ok: false, code: "invalid", text: `Unknown relay command ${name}` };
		const parsedArgs = COMMANDS[name].args.safeParse(args);
		if (!parsedArgs.success) return { ok: false, code: "invalid", text: `Bad arguments for ${name}` };
		const active = this.activeSocket();
		if (!active && context.kind !== "cleanup") {
			return {
				ok: false,
				code: "no_relay",
				text: `Zone ${await zoneName(this.db, zoneId)} has no connected relay agent`,
			};
		}
		const now = Date.now();
		if (context.kind === "usage") {
			// One stat per store at a time: refreshes asked for in a burst share it.
			const pending = await this.ctx.storage.list<PendingCommand>({ prefix: CMD });
			for (const other of pending.values()) {
				const c = other.context;
				if (c?.kind === "usage" && c.target === context.target && c.id === context.id)
					return { ok: true, id: other.id };
			}
		}
		const timeout = Math.min(Math.max(1, Math.floor(timeoutMs)), LONGEST_BACKGROUND_TIMEOUT_MS);
		const command = pendingCommand(name, parsedArgs.data, timeout, now, { context, zoneId });
		if (!(await beforeBackgroundSend(this.db, now, this.background(command, zoneId)))) {
			return { ok: false, code: "invalid", text: `Nothing waits for ${name} any more` };
		}
		this.publishEvents();
		await this.ctx.storage.put(CMD + command.id, command);
		await this.scheduleAlarm(now, command.deadline);
		if (active) sendFrame(active, this.commandFrame(command));
		return { ok: true, id: command.id };
	}

	/** An extract link was fetched: the agent streams the file (template.upload) into the response. */
	private async extractDownload(request: Request): Promise<Response> {
		const { store, path, bytes } = (await request.json()) as { store: unknown; path: string; bytes: number };
		return this.streams.download(bytes, async (streamId) => {
			const active = this.activeSocket();
			if (!active) return false;
			const now = Date.now();
			const command = pendingCommand(
				"template.upload",
				COMMANDS["template.upload"].args.parse({ store, path, streamId }),
				UPLOAD_TIMEOUT_MS,
				now,
			);
			await this.ctx.storage.put(CMD + command.id, command);
			await this.scheduleAlarm(now, command.deadline);
			return sendFrame(active, this.commandFrame(command));
		});
	}

	/** Closes every socket of the relay with close{revoked}; the agent exits and does not retry. */
	revoke(relayId: string): Promise<void> {
		return this.serially(() => this.revokeNow(relayId));
	}

	private async revokeNow(relayId: string): Promise<void> {
		for (const ws of this.ctx.getWebSockets(relayId)) {
			const info = infoOf(ws);
			sendFrame(ws, this.closeFrame("revoked", "This relay was revoked (deleteRelay); enrol it again to reconnect"));
			closeSocket(ws, 1008, "revoked");
			if (info && info.role !== "replaced" && info.role !== "gone") await this.socketGone(ws, info);
		}
	}

	async status(): Promise<RelayStatus> {
		const active = this.activeSocket();
		const info = active ? infoOf(active) : null;
		const standbys = this.liveSockets().filter(([, i]) => i.role === "standby").length;
		if (!active || !info) return { active: null, standbys };
		const pinged = this.ctx.getWebSocketAutoResponseTimestamp(active)?.getTime() ?? 0;
		return {
			active: { relayId: info.relayId, connectedAt: info.connectedAt, lastPingAt: Math.max(pinged, info.lastFrameAt) },
			standbys,
		};
	}

	// ---- hibernation handlers -------------------------------------------------------------------

	override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		return this.serially(() => this.onMessage(ws, message));
	}

	private async onMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		const info = infoOf(ws);
		if (!info || info.role === "replaced" || info.role === "gone") return;
		const parsed = parseFrame(message as string, "toWorker");
		if (!parsed.ok) {
			logWarn(`relay:${info.zoneId}`, "dropped relay frame", {
				relayId: info.relayId,
				reason: parsed.error.reason,
				detail: parsed.error.message,
			});
			if (parsed.error.reason === "version") {
				sendFrame(ws, this.closeFrame("protocol", `This Worker speaks relay protocol v${PROTOCOL_VERSION}`));
				closeSocket(ws, 1002, "protocol");
				await this.socketGone(ws, info);
			}
			return;
		}
		const now = Date.now();
		info.lastFrameAt = now;
		ws.serializeAttachment(info);
		const frame = parsed.frame;
		try {
			switch (frame.type) {
				case "hello":
					return await this.onHello(ws, info, frame, now);
				case "answer":
					if (info.role !== "active") return this.ignore(info, "answer from a socket that is not active", frame.id);
					return await this.onAnswer(info, frame, now);
				case "event":
					if (info.role !== "active") return;
					if (frame.kind === "host.state") {
						await applyHostReport(this.db, now, info.zoneId, {
							hostId: frame.hostId,
							state: frame.state,
							text: frame.text,
						});
						// The hosts are the truth (vms/host-truth.ts): a Down host's VMs, a host back Up re-read.
						if (frame.state === "Down") await applyHostStateTruth(this.env, this.db, info.zoneId, frame.hostId);
						if (frame.state === "Up") await this.sendOwn(ws, "host.refresh", { hostId: frame.hostId }, now);
						this.publishEvents();
					}
					if (frame.kind === "domain.state") {
						await applyDomainReport(this.db, now, info.zoneId, frame.hostId, frame.domain);
						this.publishEvents();
					}
					return;
				case "ping":
					// A ping that was not byte-for-byte PING_TEXT (other key order): answer it all the same.
					sendFrame(ws, { type: "pong", v: PROTOCOL_VERSION });
					return;
				case "progress":
					if (info.role !== "active") return;
					return await this.onProgress(info, frame.id, frame.percent, now);
			}
		} catch (error) {
			// A D1 failure must not take the socket down: the next report or hello repairs the state.
			logError(`relay:${info.zoneId}`, `handling a relay ${frame.type} failed`, error);
		}
	}

	override webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		// 1005/1006 are not codes one may send: answering with them throws.
		if (code !== 1005 && code !== 1006) closeSocket(ws, code, reason);
		else closeSocket(ws, 1000, "closed");
		// At once, not at the next alarm: a killed agent's TCP close lands here.
		return this.serially(async () => {
			const info = infoOf(ws);
			if (info) await this.socketGone(ws, info);
		});
	}

	override webSocketError(ws: WebSocket, error: unknown): Promise<void> {
		closeSocket(ws, 1011, "error");
		return this.serially(async () => {
			const info = infoOf(ws);
			logError(`relay:${info?.zoneId ?? "?"}`, "relay socket error", error);
			if (info) await this.socketGone(ws, info);
		});
	}

	override alarm(): Promise<void> {
		return this.serially(() => this.onAlarm());
	}

	private async onAlarm(): Promise<void> {
		const now = Date.now();
		// Commands past their deadline end now, whether or not an agent is there.
		const pending = await this.ctx.storage.list<PendingCommand>({ prefix: CMD });
		for (const command of pending.values()) {
			if (command.deadline > now) continue;
			await this.ctx.storage.delete(CMD + command.id);
			const outcome: AnyOutcome = {
				ok: false,
				code: "deadline",
				text: `The relay agent did not answer ${command.name} within ${Math.round(command.timeoutMs / 1000)} s`,
			};
			this.settle(command.id, outcome);
			await this.finishBackground(command, outcome, now);
		}
		// A socket with no ping for STALE_AFTER_MS is half-open: drop it as if it had closed.
		for (const [ws, info] of this.liveSockets()) {
			const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
			if (now - Math.max(pinged, info.lastFrameAt, info.connectedAt) <= STALE_AFTER_MS) continue;
			logWarn(`relay:${info.zoneId}`, "relay heartbeat stale, dropping the socket", { relayId: info.relayId });
			closeSocket(ws, 1011, "heartbeat timeout");
			await this.socketGone(ws, info);
		}
		const active = this.activeSocket();
		const activeInfo = active ? infoOf(active) : null;
		if (activeInfo && now - ((await this.ctx.storage.get<number>(USAGE_AT)) ?? 0) >= USAGE_EVERY_MS) {
			await this.refreshUsage(activeInfo.zoneId, now);
		}
		await this.scheduleAlarm(now);
	}

	// ---- session logic --------------------------------------------------------------------------

	private async onHello(ws: WebSocket, info: SocketInfo, hello: HelloFrame, now: number): Promise<void> {
		if (info.role === "pending") {
			const active = this.activeSocket();
			info.role = active && active !== ws ? "standby" : "active";
			ws.serializeAttachment(info);
		}
		sendFrame(ws, {
			type: "ready",
			v: PROTOCOL_VERSION,
			sessionId: info.sessionId,
			role: info.role === "active" ? "active" : "standby",
			heartbeatMs: HEARTBEAT_MS,
			serverTime: now,
		});
		if (info.role !== "active") return;
		await this.reconcile(ws, info, hello, now);
	}

	/** D1 ⇄ the active agent's inventory, then every unanswered command again (same id). */
	private async reconcile(ws: WebSocket, info: SocketInfo, hello: HelloFrame, now: number): Promise<void> {
		if (!info.announced) {
			await applyRelayConnect(this.db, now, info.zoneId, { id: info.relayId, name: info.relayName });
			info.announced = true;
			ws.serializeAttachment(info);
		}
		const pending = [...(await this.ctx.storage.list<PendingCommand>({ prefix: CMD })).values()];
		const connecting = new Set(
			pending.filter((c) => c.name === "host.connect").map((c) => (c.args as { hostId: string }).hostId),
		);
		const plan = await applyHello(this.db, now, info.zoneId, hello.hosts);
		await applyHostsTruth(this.env, this.db, now, info.zoneId, hello.hosts);
		this.publishEvents();
		for (const command of pending) sendFrame(ws, this.commandFrame(command));
		for (const { hostId, uri } of plan.connect) {
			if (!connecting.has(hostId)) await this.sendOwn(ws, "host.connect", { hostId, uri }, now);
		}
		// A host being added right now (its host.connect still pending) is not in D1 yet: keep it.
		for (const hostId of plan.disconnect) {
			if (!connecting.has(hostId)) await this.sendOwn(ws, "host.disconnect", { hostId }, now);
		}
		// Downloads that waited for an agent, then the zone's capacity.
		try {
			await startAllocatedDownloads(await this.templateDeps(now), info.zoneId);
		} catch (error) {
			logError(`relay:${info.zoneId}`, "starting the zone's waiting downloads failed", error);
		}
		await this.refreshUsage(info.zoneId, now);
	}

	/** A command the DO sends on its own: nobody waits for it; its answer is applied to D1. */
	private async sendOwn<N extends CommandName>(ws: WebSocket, name: N, args: CommandArgs<N>, now: number) {
		const command = pendingCommand(name, args, RECONCILE_TIMEOUT_MS, now);
		await this.ctx.storage.put(CMD + command.id, command);
		sendFrame(ws, this.commandFrame(command));
		await this.scheduleAlarm(now, command.deadline);
	}

	private async onAnswer(
		info: SocketInfo,
		answer: Extract<ReturnType<typeof parseFrame<"toWorker">>, { ok: true }>["frame"] & { type: "answer" },
		now: number,
	): Promise<void> {
		const command = await this.ctx.storage.get<PendingCommand>(CMD + answer.id);
		if (!command) return this.ignore(info, "answer for a command that is not pending", answer.id);
		await this.ctx.storage.delete(CMD + answer.id);
		if (!answer.ok) {
			const failure: AnyOutcome = { ok: false, code: answer.error.code, text: answer.error.text };
			if (command.name === "template.upload") {
				this.streams.failed((command.args as CommandArgs<"template.upload">).streamId, answer.error.text);
			}
			this.settle(command.id, failure);
			await this.finishBackground(command, failure, now);
			return;
		}
		const checked = parseCommandResult(command.name, answer.result);
		if (!checked.ok) {
			logWarn(`relay:${info.zoneId}`, "relay answer with a bad result", { id: command.id, detail: checked.error });
			const failure: AnyOutcome = { ok: false, code: "failed", text: `The relay agent answered ${command.name} badly` };
			this.settle(command.id, failure);
			await this.finishBackground(command, failure, now);
			return;
		}
		// Applied here, so the result lands even when the caller is gone.
		if ((command.name === "host.connect" || command.name === "host.refresh") && "id" in checked.result) {
			try {
				const host = checked.result as CommandResult<"host.connect">;
				await applyHostAnswer(this.db, now, info.zoneId, host);
				await applyHostsTruth(this.env, this.db, now, info.zoneId, [host]);
				this.publishEvents();
			} catch (error) {
				logError(`relay:${info.zoneId}`, `applying a ${command.name} answer failed`, error);
			}
		}
		const success = { ok: true, result: checked.result } as AnyOutcome;
		this.settle(command.id, success);
		await this.finishBackground(command, success, now);
	}

	// ---- background commands (relay/background.ts) --------------------------------------------

	private background(command: PendingCommand, zoneId: string): BackgroundCommand {
		return {
			id: command.id,
			name: command.name,
			args: command.args,
			timeoutMs: command.timeoutMs,
			zoneId: command.zoneId ?? zoneId,
			context: command.context ?? { kind: "cleanup" },
		};
	}

	/** A download's progress frame: its percent goes to D1 when it changed. */
	private async onProgress(info: SocketInfo, id: string, percent: number, now: number): Promise<void> {
		const rounded = Math.floor(percent);
		if (this.percents.get(id) === rounded) return;
		const command = await this.ctx.storage.get<PendingCommand>(CMD + id);
		if (!command?.context) return;
		this.percents.set(id, rounded);
		await applyBackgroundProgress(this.db, now, this.background(command, info.zoneId), rounded);
	}

	/** Applies a background command's outcome to D1, then its follow-ups (cleanups, a usage refresh). */
	private async finishBackground(command: PendingCommand, outcome: AnyOutcome, now: number): Promise<void> {
		if (!command.context || !command.zoneId) return;
		this.percents.delete(command.id);
		const zoneId = command.zoneId;
		let followUps: FollowUp[];
		try {
			followUps = await applyBackgroundOutcome(this.db, now, this.background(command, zoneId), outcome);
			this.publishEvents();
		} catch (error) {
			logError(`relay:${zoneId}`, `applying a background ${command.name} outcome failed`, error);
			return;
		}
		for (const followUp of followUps) {
			if (followUp.kind === "usage") await this.refreshUsage(zoneId, now);
			else {
				await this.start(zoneId, "store.remove", { store: followUp.store, path: followUp.path }, CLEANUP_TIMEOUT_MS, {
					kind: "cleanup",
				});
			}
		}
	}

	/** store.stat for every store of the zone (a stat already pending for a store is shared). */
	private async refreshUsage(zoneId: string, now: number): Promise<void> {
		if (!this.activeSocket()) return;
		try {
			await this.ctx.storage.put(USAGE_AT, now);
			await refreshZoneUsage(await this.templateDeps(now), zoneId);
		} catch (error) {
			logError(`relay:${zoneId}`, "refreshing the zone's store usage failed", error);
		}
	}

	/** The template functions' deps, with a RelayLink that is this DO (no RPC to itself). */
	private async templateDeps(now: number): Promise<TemplateDeps> {
		const relay: RelayLink = {
			call: (_zoneId, name, args, timeoutMs) => this.call(_zoneId, name, args, timeoutMs) as never,
			start: (zoneId, name, args, options) => this.start(zoneId, name, args, options.timeoutMs, options.context),
			revoke: (_zoneId, relayId) => this.revokeNow(relayId),
			status: () => this.status(),
		};
		return { db: this.db, clock: systemClock, settings: await loadSettings(this.db, now), relay };
	}

	/** A socket is gone (closed, errored, stale, revoked): promote a standby, or record the loss. */
	private async socketGone(ws: WebSocket, info: SocketInfo): Promise<void> {
		if (info.role === "gone" || info.role === "replaced" || this.gone.has(ws)) return;
		this.gone.add(ws);
		const wasActive = info.role === "active" || info.inheritsActive === true;
		try {
			ws.serializeAttachment({ ...info, role: "gone" } satisfies SocketInfo);
		} catch {
			// A closed socket may refuse new attachments; the role check above already ran.
		}
		if (!wasActive) return;
		const now = Date.now();
		if (this.activeSocket()) return;
		const standby = this.liveSockets().find(([other, i]) => other !== ws && i.role === "standby");
		if (standby) {
			const [next, nextInfo] = standby;
			nextInfo.role = "active";
			next.serializeAttachment(nextInfo);
			// The agent answers with a fresh hello, and the DO reconciles on it.
			sendFrame(next, {
				type: "ready",
				v: PROTOCOL_VERSION,
				sessionId: nextInfo.sessionId,
				role: "active",
				heartbeatMs: HEARTBEAT_MS,
				serverTime: now,
			});
			return;
		}
		// A newer socket of the same relay that has not said hello yet takes over without a loss.
		const successor = this.liveSockets().find(([other, i]) => other !== ws && i.inheritsActive);
		if (successor) return;
		try {
			await applyRelayLoss(this.db, now, info.zoneId, { id: info.relayId, name: info.relayName });
			this.publishEvents();
		} catch (error) {
			logError(`relay:${info.zoneId}`, "recording the relay's loss failed", error);
		}
	}

	// ---- helpers --------------------------------------------------------------------------------

	/**
	 * Runs `work` after everything queued before it. D1 awaits do not hold the DO's input gate, so
	 * without this a host.state or a close could be written and then overwritten by the hello
	 * that came before it.
	 */
	private serially<T>(work: () => Promise<T>): Promise<T> {
		const run = this.chain.then(work);
		this.chain = run.then(
			() => undefined,
			() => undefined,
		);
		return run;
	}

	/** Sockets still in the session (not replaced or gone) with their attachment. */
	private liveSockets(): [WebSocket, SocketInfo][] {
		const live: [WebSocket, SocketInfo][] = [];
		for (const ws of this.ctx.getWebSockets()) {
			const info = infoOf(ws);
			if (info && info.role !== "replaced" && info.role !== "gone" && !this.gone.has(ws)) live.push([ws, info]);
		}
		return live;
	}

	private activeSocket(): WebSocket | null {
		return this.liveSockets().find(([, info]) => info.role === "active")?.[0] ?? null;
	}

	private commandFrame(command: PendingCommand): CommandFrame {
		return {
			type: "command",
			v: PROTOCOL_VERSION,
			id: command.id,
			name: command.name,
			args: command.args,
			deadline: command.deadline,
		} as CommandFrame;
	}

	private closeFrame(reason: "revoked" | "replaced" | "protocol", text: string): ToAgentFrame {
		return { type: "close", v: PROTOCOL_VERSION, reason, text };
	}

	private settle(id: string, outcome: AnyOutcome): void {
		const waiter = this.waiters.get(id);
		this.waiters.delete(id);
		waiter?.(outcome);
	}

	private ignore(info: SocketInfo, why: string, id: string): void {
		logWarn(`relay:${info.zoneId}`, `ignored relay ${why}`, { relayId: info.relayId, id });
	}

	/**
	 * The alarm runs every ALARM_EVERY_MS while a socket is open, at the moment a socket would turn
	 * stale (so a half-open link is found STALE_AFTER_MS after its last ping, not up to one period
	 * later), and at the next deadline.
	 */
	private async scheduleAlarm(now: number, deadline?: number): Promise<void> {
		const sockets = this.ctx.getWebSockets().length > 0;
		let next = sockets ? now + ALARM_EVERY_MS : Number.POSITIVE_INFINITY;
		for (const [ws, info] of this.liveSockets()) {
			const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
			next = Math.min(next, Math.max(pinged, info.lastFrameAt, info.connectedAt) + STALE_AFTER_MS + 50);
		}
		const pending = await this.ctx.storage.list<PendingCommand>({ prefix: CMD });
		for (const command of pending.values()) next = Math.min(next, Math.max(command.deadline, now + 1));
		if (deadline !== undefined) next = Math.min(next, Math.max(deadline, now + 1));
		if (next === Number.POSITIVE_INFINITY) return;
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > next || current < now) await this.ctx.storage.setAlarm(next);
	}

	/** Events written from here go to webhooks at once, as after an API request (the cron is the net). */
	private publishEvents(): void {
		if (!takeEventsPending()) return;
		this.ctx.waitUntil(
			engineDeps(this.env)
				.then(publishAfterRequest)
				.catch((error) => logError("relay", "publishing relay events to webhooks failed", error)),
		);
	}
}
