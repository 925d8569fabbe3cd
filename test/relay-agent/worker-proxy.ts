/**
 * @module A loopback TCP proxy between relay agents and `wrangler dev`, so a test can cut every
 * live connection at once (the link drops mid-command) without stopping either side. HTTP and the
 * WebSocket upgrade pass through byte for byte.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface CutProxy {
	readonly origin: string;
	readonly port: number;
	/** Destroys every open connection, both directions; new ones are accepted again at once. */
	cut(): number;
	/**
	 * Stops forwarding on every open connection without closing it: a half-open link, as when a
	 * site's network drops. Neither side sees a close; only heartbeats can tell.
	 */
	freeze(): number;
	/** Refuses new connections (closes them on accept) until `hold(false)`. */
	hold(on: boolean): void;
	close(): Promise<void>;
}

export function startCutProxy(targetPort: number): Promise<CutProxy> {
	const pairs = new Set<[Socket, Socket]>();
	let holding = false;
	const server: Server = createServer((client) => {
		if (holding) {
			client.destroy();
			return;
		}
		const upstream = connect(targetPort, "127.0.0.1");
		const pair: [Socket, Socket] = [client, upstream];
		pairs.add(pair);
		const drop = () => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on("error", drop).on("close", drop);
		upstream.on("error", drop).on("close", drop);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			resolve({
				origin: `http://127.0.0.1:${port}`,
				port,
				cut: () => {
					const n = pairs.size;
					for (const [a, b] of [...pairs]) {
						a.destroy();
						b.destroy();
					}
					pairs.clear();
					return n;
				},
				freeze: () => {
					for (const [a, b] of pairs) {
						a.unpipe(b);
						b.unpipe(a);
						a.pause();
						b.pause();
					}
					return pairs.size;
				},
				hold: (on) => {
					holding = on;
				},
				close: () =>
					new Promise<void>((done) => {
						for (const [a, b] of pairs) {
							a.destroy();
							b.destroy();
						}
						server.close(() => done());
					}),
			});
		});
	});
}
