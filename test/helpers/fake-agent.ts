/**
 * An in-workerd relay agent for vitest-plugin tests: enrols through `POST /relay/v1/enroll` (the
 * enrolment token is written straight into D1), connects through `/relay/v1/connect` with a fresh
 * EdDSA JWT, says hello, waits for ready and answers commands with a handler. It speaks the wire
 * protocol through @flarestack/protocol, so a frame the Worker sends that does not parse fails
 * the test that waits for it.
 */
import { env, exports } from "cloudflare:workers";
import {
	type CommandFrame,
	type Host,
	type HostState,
	PING_TEXT,
	PROTOCOL_VERSION,
	parseFrame,
	type ReadyFrame,
	type ToAgentFrame,
} from "@flarestack/protocol";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { createDb } from "../../worker/src/db/client";
import { relayEnrollmentTokens } from "../../worker/src/db/schema";
import { sha256Hex } from "../../worker/src/relay/keys";

const BASE = "http://127.0.0.1";

export interface FakeIdentity {
	zoneId: string;
	relayId: string;
	name: string;
	privateKey: CryptoKey;
}

let enrolled = 0;

/** A relay enrolled into `zoneId` (a zone id, or anything with `.id`) with a new Ed25519 key. */
export async function enrollFakeAgent(zone: string | { id: string }, name?: string): Promise<FakeIdentity> {
	const zoneId = typeof zone === "string" ? zone : zone.id;
	enrolled += 1;
	const token = `fake-agent-token-${crypto.randomUUID()}`;
	const now = Date.now();
	await createDb(env.DB)
		.insert(relayEnrollmentTokens)
		.values({
			id: crypto.randomUUID(),
			zoneId,
			tokenHash: await sha256Hex(token),
			created: now,
			expires: now + 3600_000,
			usedAt: null,
			createdBy: "00000000-0000-4000-8000-000000000000",
		});
	const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	const relayName = name ?? `fake-relay-${enrolled}`;
	const response = await exports.default.fetch(`${BASE}/relay/v1/enroll`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ token, name: relayName, publicKey: await exportJWK(publicKey) }),
	});
	const text = await response.text();
	if (response.status !== 201) throw new Error(`fake agent enrolment failed: ${response.status} ${text}`);
	const body = JSON.parse(text) as { relayId: string };
	return { zoneId, relayId: body.relayId, name: relayName, privateKey };
}

export interface JwtOverrides {
	/** Seconds from now (default 240). */
	expiresIn?: number;
	/** Seconds from now (default 0). */
	issuedAt?: number;
	jti?: string;
	audience?: string;
	kid?: string;
}

/** A connect JWT as the agent makes one: kid = iss = sub = relay id, aud = zone, unique jti. */
export async function relayJwt(identity: FakeIdentity, overrides: JwtOverrides = {}): Promise<string> {
	const nowS = Math.floor(Date.now() / 1000);
	const iat = nowS + (overrides.issuedAt ?? 0);
	return new SignJWT({})
		.setProtectedHeader({ alg: "EdDSA", kid: overrides.kid ?? identity.relayId })
		.setIssuer(identity.relayId)
		.setSubject(identity.relayId)
		.setAudience(overrides.audience ?? `zone:${identity.zoneId}`)
		.setIssuedAt(iat)
		.setExpirationTime(nowS + (overrides.expiresIn ?? 240))
		.setJti(overrides.jti ?? crypto.randomUUID())
		.sign(identity.privateKey);
}

/** The raw upgrade request: for refusal tests. `jwt: null` sends no Authorization header. */
export function openRelaySocket(zoneId: string | null, jwt: string | null, headers: Record<string, string> = {}) {
	const query = zoneId === null ? "" : `?zoneid=${encodeURIComponent(zoneId)}`;
	const all: Record<string, string> = { Upgrade: "websocket", ...headers };
	if (jwt !== null) all.Authorization = `Bearer ${jwt}`;
	return exports.default.fetch(`${BASE}/relay/v1/connect${query}`, { headers: all });
}

let hostCount = 0;

/** A simulated host as an agent reports it (Up, 8 CPUs × 2400 MHz, 16 GiB, no domains). */
export function fakeHost(overrides: Partial<Host> = {}): Host {
	hostCount += 1;
	const name = overrides.name ?? `sim-host-${hostCount}`;
	return {
		id: crypto.randomUUID(),
		uri: `sim://${name}?cpus=8&mhz=2400&memory=16G`,
		name,
		state: "Up",
		cpuCount: 8,
		cpuMhz: 2400,
		memoryBytes: 16 * 1024 ** 3,
		hypervisorVersion: "sim-1.0.0",
		domainType: "qemu",
		domains: [],
		...overrides,
	};
}

/** What a command handler answers: a result, an error, or "ignore" (never answer: deadline tests). */
export type FakeAnswer =
	| { ok: true; result: unknown }
	| { ok: false; error: { code: string; text: string } }
	| "ignore";

export type CommandHandler = (frame: CommandFrame, agent: FakeAgent) => FakeAnswer | Promise<FakeAnswer>;

export interface ConnectOptions extends FakeIdentity {
	/** The hosts the agent reports in hello (default none). Kept up to date by the default handler. */
	hosts?: Host[];
	recentCommandIds?: string[];
	/** Answers commands; default: `defaultAnswer` (simulates host.connect/refresh/disconnect). */
	onCommand?: CommandHandler;
	/** Send hello and wait for ready before resolving (default true). */
	hello?: boolean;
	/** A JWT to present instead of a fresh one. */
	jwt?: string;
}

/** The default handler: connect reports a fake host at the uri, refresh the known one, disconnect forgets. */
export function defaultAnswer(frame: CommandFrame, agent: FakeAgent): FakeAnswer {
	switch (frame.name) {
		case "host.connect": {
			const host = fakeHost({ id: frame.args.hostId, uri: frame.args.uri });
			agent.hosts = [...agent.hosts.filter((h) => h.id !== host.id), host];
			return { ok: true, result: host };
		}
		case "host.refresh": {
			const host = agent.hosts.find((h) => h.id === frame.args.hostId);
			return host ? { ok: true, result: host } : { ok: false, error: { code: "invalid", text: "no such host" } };
		}
		case "host.disconnect":
			agent.hosts = agent.hosts.filter((h) => h.id !== frame.args.hostId);
			return { ok: true, result: {} };
		// Storage, as the simulator driver answers it: no store is touched.
		case "store.stat":
			return { ok: true, result: { capacityBytes: FAKE_STORE_CAPACITY, usedBytes: FAKE_STORE_USED } };
		case "store.remove":
			return { ok: true, result: { removed: true } };
		case "template.download": {
			const { path, format } = frame.args;
			const image = { path, format, sizeBytes: FAKE_IMAGE_SIZE, physicalBytes: FAKE_IMAGE_PHYSICAL };
			return { ok: true, result: { ...image, sha256: "0".repeat(64) } };
		}
		case "template.prepare": {
			const image = {
				path: frame.args.path,
				format: "QCOW2",
				sizeBytes: FAKE_IMAGE_SIZE,
				physicalBytes: FAKE_IMAGE_PHYSICAL,
			};
			return { ok: true, result: { ...image, copied: true } };
		}
		case "volume.clone": {
			const size = frame.args.sizeBytes ?? FAKE_IMAGE_SIZE;
			return { ok: true, result: { path: frame.args.path, format: "QCOW2", sizeBytes: size, physicalBytes: 196_608 } };
		}
		default:
			return { ok: false, error: { code: "unsupported", text: `the fake agent does not do ${frame.name}` } };
	}
}

/** What the default handler answers for storage commands. */
export const FAKE_STORE_CAPACITY = 10 * 1024 ** 4;
export const FAKE_STORE_USED = 1024 ** 4;
export const FAKE_IMAGE_SIZE = 2 * 1024 ** 3;
export const FAKE_IMAGE_PHYSICAL = 700 * 1024 ** 2;

export interface FakeAgent {
	identity: FakeIdentity;
	socket: WebSocket;
	/** Every frame received, parsed, in order. */
	frames: ToAgentFrame[];
	/** Texts that did not parse as toAgent frames (should stay empty). */
	garbage: string[];
	/** Every command received (resends included). */
	commands: CommandFrame[];
	/** The latest ready frame (null before the first). */
	ready: ReadyFrame | null;
	hosts: Host[];
	onCommand: CommandHandler;
	/** Set when the socket closed: its code and reason. */
	closed: { code: number; reason: string } | null;
	/** Resolves when a frame matching `match` arrives (including one already received after `since`). */
	waitFor<F extends ToAgentFrame>(
		match: (frame: ToAgentFrame) => frame is F,
		options?: { timeoutMs?: number; since?: number },
	): Promise<F>;
	waitFor(
		match: (frame: ToAgentFrame) => boolean,
		options?: { timeoutMs?: number; since?: number },
	): Promise<ToAgentFrame>;
	waitForReady(options?: { timeoutMs?: number; since?: number }): Promise<ReadyFrame>;
	/** Resolves with a command (optionally of `name`) received at index `since` of `commands` or later. */
	waitForCommand(name?: CommandFrame["name"], options?: { timeoutMs?: number; since?: number }): Promise<CommandFrame>;
	waitForClosed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
	sendHello(extra?: { hosts?: Host[]; recentCommandIds?: string[] }): void;
	/** Sends a frame object (`v` is filled in). */
	send(frame: Record<string, unknown>): void;
	/** Sends text as is: garbage tests. */
	sendRaw(text: string | ArrayBuffer): void;
	ping(): void;
	hostState(hostId: string, state: HostState, text?: string): void;
	answer(id: string, answer: Exclude<FakeAnswer, "ignore">): void;
	close(code?: number, reason?: string): void;
}

const isReady = (frame: ToAgentFrame): frame is ReadyFrame => frame.type === "ready";

/**
 * Connects an enrolled relay: upgrade with a fresh JWT, accept, hello, ready (unless `hello: false`).
 * Throws with the status and body when the Worker refuses the upgrade.
 */
export async function connectFakeAgent(options: ConnectOptions): Promise<FakeAgent> {
	const { zoneId, relayId, name, privateKey } = options;
	const identity: FakeIdentity = { zoneId, relayId, name, privateKey };
	const response = await openRelaySocket(zoneId, options.jwt ?? (await relayJwt(identity)));
	const socket = response.webSocket;
	if (response.status !== 101 || !socket) {
		throw new Error(`fake agent connect refused: ${response.status} ${await response.text()}`);
	}
	socket.accept();

	const listeners = new Set<() => void>();
	const notify = () => {
		for (const listener of [...listeners]) listener();
	};
	const waitUntil = <T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			const check = () => {
				const value = probe();
				if (value === undefined) return;
				listeners.delete(check);
				clearTimeout(timer);
				resolve(value);
			};
			const timer = setTimeout(() => {
				listeners.delete(check);
				reject(new Error(`fake agent: timed out after ${timeoutMs} ms waiting for ${what}`));
			}, timeoutMs);
			listeners.add(check);
			check();
		});

	const agent: FakeAgent = {
		identity,
		socket,
		frames: [],
		garbage: [],
		commands: [],
		ready: null,
		hosts: [...(options.hosts ?? [])],
		onCommand: options.onCommand ?? defaultAnswer,
		closed: null,
		waitFor(match: (frame: ToAgentFrame) => boolean, { timeoutMs = 5000, since = 0 } = {}) {
			return waitUntil(() => agent.frames.slice(since).find(match), timeoutMs, "a matching frame");
		},
		waitForReady({ timeoutMs = 5000, since = 0 } = {}) {
			return agent.waitFor(isReady, { timeoutMs, since });
		},
		waitForCommand(name, { timeoutMs = 5000, since = 0 } = {}) {
			const match = (c: CommandFrame) => name === undefined || c.name === name;
			return waitUntil(() => agent.commands.slice(since).find(match), timeoutMs, `command ${name ?? "(any)"}`);
		},
		waitForClosed(timeoutMs = 5000) {
			return waitUntil(() => agent.closed ?? undefined, timeoutMs, "the socket to close");
		},
		sendHello(extra = {}) {
			agent.send({
				type: "hello",
				agentId: relayId,
				agentVersion: "fake-agent/1",
				hosts: extra.hosts ?? agent.hosts,
				pools: [],
				recentCommandIds: extra.recentCommandIds ?? options.recentCommandIds ?? [],
			});
		},
		send(frame) {
			socket.send(JSON.stringify({ v: PROTOCOL_VERSION, ...frame }));
		},
		sendRaw(text) {
			socket.send(text);
		},
		ping() {
			socket.send(PING_TEXT);
		},
		hostState(hostId, state, text = "") {
			agent.send({ type: "event", at: Date.now(), kind: "host.state", hostId, state, text });
		},
		answer(id, answer) {
			agent.send({ type: "answer", id, ...answer });
		},
		close(code = 1000, reason = "fake agent closing") {
			if (agent.closed) return;
			try {
				socket.close(code, reason);
			} catch {
				// Already closing from the other side.
			}
		},
	};

	socket.addEventListener("message", (event) => {
		const text = typeof event.data === "string" ? event.data : "";
		const parsed = parseFrame(text, "toAgent");
		if (!parsed.ok) {
			agent.garbage.push(text.slice(0, 500));
			notify();
			return;
		}
		const frame = parsed.frame;
		agent.frames.push(frame);
		if (frame.type === "ready") {
			const previous = agent.ready?.role;
			agent.ready = frame;
			// A promotion (standby → active): a real agent answers with a fresh hello.
			if (previous === "standby" && frame.role === "active") agent.sendHello();
		}
		// As the real agent does: a close frame is followed by closing the socket from this side.
		if (frame.type === "close") agent.close(1000, frame.reason);
		if (frame.type === "command") {
			agent.commands.push(frame);
			void Promise.resolve(agent.onCommand(frame, agent)).then((answer) => {
				if (answer !== "ignore" && !agent.closed) agent.answer(frame.id, answer);
			});
		}
		notify();
	});
	socket.addEventListener("close", (event) => {
		agent.closed = { code: event.code, reason: event.reason };
		notify();
	});

	if (options.hello !== false) {
		agent.sendHello();
		await agent.waitForReady();
	}
	return agent;
}

/** Enrols a relay into the zone and connects it (hello sent, ready received). */
export async function startFakeAgent(
	zone: string | { id: string },
	options: Omit<ConnectOptions, keyof FakeIdentity> = {},
): Promise<FakeAgent> {
	return connectFakeAgent({ ...(await enrollFakeAgent(zone)), ...options });
}
