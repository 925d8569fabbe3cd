/**
 * @module A tiny stand-in for the Worker's /relay/v1/connect on 127.0.0.1 (a `ws` server): it can
 * refuse the upgrade with a status and a JSON body like the Worker does, answer `hello` with `ready`,
 * answer PING_TEXT with PONG_TEXT (or stay silent), send frames and drop sockets. Tests of the agent's
 * connection use it; the real Worker is covered by the end-to-end tests beside it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PING_TEXT, PONG_TEXT, PROTOCOL_VERSION, type RelayRole } from "@flarestack/protocol";
import { type WebSocket, WebSocketServer } from "ws";

export interface Upgrade {
	authorization: string | undefined;
	url: string;
}

export interface FakeSocket {
	ws: WebSocket;
	/** Every text frame received, in order (pings included). */
	frames: string[];
	/** Frames received, parsed, without pings. */
	messages(): Record<string, unknown>[];
	pings(): number;
	send(frame: Record<string, unknown>): void;
}

export interface FakeWorker {
	url: string;
	upgrades: Upgrade[];
	sockets: FakeSocket[];
	/** Refuse the next upgrades with this status and body (undefined: accept). */
	refuse: { status: number; body: Record<string, unknown> } | undefined;
	/** The role answered to a hello; undefined: no ready at all. */
	role: RelayRole | undefined;
	heartbeatMs: number;
	/** Answer pings? */
	pong: boolean;
	waitFor(what: string, condition: () => boolean, ms?: number): Promise<void>;
	close(): Promise<void>;
}

export async function startFakeWorker(): Promise<FakeWorker> {
	const server: Server = createServer((_request, response) => {
		response.statusCode = 404;
		response.end();
	});
	const wss = new WebSocketServer({ noServer: true });
	const fake: FakeWorker = {
		url: "",
		upgrades: [],
		sockets: [],
		refuse: undefined,
		role: "active",
		heartbeatMs: 100,
		pong: true,
		waitFor: async (what, condition, ms = 5000) => {
			const deadline = Date.now() + ms;
			while (!condition()) {
				if (Date.now() > deadline) throw new Error(`fake worker: ${what} did not happen within ${ms} ms`);
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
		},
		close: async () => {
			for (const socket of fake.sockets) socket.ws.terminate();
			wss.close();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
	server.on("upgrade", (request: IncomingMessage, socket, head) => {
		fake.upgrades.push({ authorization: request.headers.authorization, url: request.url ?? "" });
		if (fake.refuse) {
			const body = JSON.stringify(fake.refuse.body);
			socket.end(
				`HTTP/1.1 ${fake.refuse.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
			);
			return;
		}
		wss.handleUpgrade(request, socket, head, (ws) => {
			const entry: FakeSocket = {
				ws,
				frames: [],
				messages: () =>
					entry.frames.filter((f) => f !== PING_TEXT).map((f) => JSON.parse(f) as Record<string, unknown>),
				pings: () => entry.frames.filter((f) => f === PING_TEXT).length,
				send: (frame) => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, ...frame })),
			};
			fake.sockets.push(entry);
			ws.on("message", (data) => {
				const text = data.toString();
				entry.frames.push(text);
				if (text === PING_TEXT) {
					if (fake.pong) ws.send(PONG_TEXT);
					return;
				}
				const frame = JSON.parse(text) as { type?: string };
				if (frame.type === "hello" && fake.role && entry.messages().length === 1) {
					entry.send(ready(fake.role, fake.heartbeatMs));
				}
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return fake;
}

export function ready(role: RelayRole, heartbeatMs = 100): Record<string, unknown> {
	return { type: "ready", sessionId: crypto.randomUUID(), role, heartbeatMs, serverTime: Date.now() };
}
