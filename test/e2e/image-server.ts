/**
 * @module A local HTTP server that serves test images the way real (and broken) template servers
 * do, for the template e2e tests and the benchmark: byte ranges, redirect chains and loops,
 * redirects to addresses or schemes a download must refuse, 404s, a body that stalls midway, no
 * Content-Length (chunked), a Content-Length that lies, and a slow link. Each misbehaviour is a
 * query parameter of the file's URL, so one test case is one URL. Erasable TypeScript only, so the
 * benchmark (plain node) imports it.
 *
 *   /files/<name>?rate=BYTES_PER_S&stall=AFTER_BYTES&stalls=N&chunked=1&length=N&noranges=1
 *   /redirect?to=URL&hops=N        N redirects in a row, then to URL
 *   /loop                          redirects to itself forever
 *   /status/<code>                 answers that status with a short text body
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ServeOptions {
	/** Bytes per second at most (a slow link, to watch progress or kill the agent midway). */
	rate?: number;
	/** After this many body bytes the server stops sending, keeping the connection open. */
	stallAfter?: number;
	/** How many requests of this URL stall (then it serves normally); default every one. */
	stalls?: number;
	/** No Content-Length: the body goes chunked. */
	chunked?: boolean;
	/** A Content-Length that is not the file's size (the body is still the whole file). */
	length?: number;
	/** No `Accept-Ranges`, and Range headers are ignored (answers 200 with the whole file). */
	noRanges?: boolean;
}

export interface RequestRecord {
	path: string;
	range: string | undefined;
	status: number;
	/** Body bytes sent for this request (updated while it runs). */
	sent: number;
	at: number;
}

export interface ImageServer {
	/** e.g. `http://127.0.0.1:40123` */
	readonly origin: string;
	readonly port: number;
	/** Every request so far, oldest first. */
	readonly requests: RequestRecord[];
	/** Serves the file at `file` as `/files/<name>`. */
	add(name: string, file: string): void;
	/** The URL of a served file, with misbehaviours. `host` replaces 127.0.0.1 (e.g. `localhost`). */
	url(name: string, options?: ServeOptions, host?: string): string;
	/** A URL that redirects `hops` times (default 1) and then to `to`. */
	redirect(to: string, hops?: number): string;
	/** A URL that redirects to itself forever. */
	loop(): string;
	/** A URL answering `code` (e.g. 404). */
	status(code: number): string;
	/** Requests whose path starts with `/files/<name>`. */
	requestsFor(name: string): RequestRecord[];
	close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error" };

/** Parses `bytes=N-` or `bytes=N-M` against a file of `size` bytes; null when it is not one range. */
function parseRange(header: string, size: number): { start: number; end: number } | null {
	const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
	if (!match) return null;
	const start = Number(match[1]);
	const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (start > end || start >= size) return null;
	return { start, end };
}

function optionsOf(query: URLSearchParams): ServeOptions {
	const num = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
	return {
		rate: num("rate"),
		stallAfter: num("stall"),
		stalls: num("stalls"),
		chunked: query.get("chunked") === "1",
		length: num("length"),
		noRanges: query.get("noranges") === "1",
	};
}

/** Writes `stream` to `res`, at most `rate` bytes/s, stopping (without ending) after `stallAfter`. */
function pump(
	stream: NodeJS.ReadableStream & { destroy(): void },
	res: ServerResponse,
	record: RequestRecord,
	options: { rate?: number; stallAfter?: number },
): void {
	const started = Date.now();
	let stalled = false;
	res.on("close", () => stream.destroy());
	stream.on("data", (chunk: Buffer) => {
		if (stalled) return;
		let piece = chunk;
		if (options.stallAfter !== undefined && record.sent + piece.length >= options.stallAfter) {
			piece = piece.subarray(0, Math.max(0, options.stallAfter - record.sent));
			stalled = true;
			// Keep the socket open and silent: the client's stall timer must notice, not a close.
			stream.destroy();
		}
		record.sent += piece.length;
		const ok = piece.length === 0 || res.write(piece);
		if (stalled) return;
		let waitMs = 0;
		if (options.rate) waitMs = Math.max(0, (record.sent / options.rate) * 1000 - (Date.now() - started));
		if (!ok || waitMs > 0) {
			stream.pause();
			let drained = ok;
			let slept = waitMs === 0;
			const resume = () => {
				if (drained && slept) stream.resume();
			};
			if (!ok) {
				res.once("drain", () => {
					drained = true;
					resume();
				});
			}
			if (waitMs > 0) {
				setTimeout(() => {
					slept = true;
					resume();
				}, waitMs);
			}
		}
	});
	stream.on("end", () => {
		if (!stalled) res.end();
	});
	stream.on("error", () => res.destroy());
}

export async function startImageServer(): Promise<ImageServer> {
	const files = new Map<string, string>();
	const requests: RequestRecord[] = [];
	/** Requests seen per URL (path + query), for `stalls`. */
	const seen = new Map<string, number>();
	const sockets = new Set<Socket>();
	let origin = "";

	const serveFile = async (req: IncomingMessage, res: ServerResponse, url: URL, record: RequestRecord) => {
		const name = decodeURIComponent(url.pathname.slice("/files/".length));
		const file = files.get(name);
		if (!file) {
			record.status = 404;
			res.writeHead(404, { "Content-Type": "text/plain" }).end("no such file\n");
			return;
		}
		const options = optionsOf(url.searchParams);
		const key = `${url.pathname}${url.search}`;
		const count = (seen.get(key) ?? 0) + 1;
		seen.set(key, count);
		const stalls = options.stalls ?? Number.POSITIVE_INFINITY;
		const stallAfter = count <= stalls ? options.stallAfter : undefined;
		const size = (await stat(file)).size;
		const headers: Record<string, string | number> = { "Content-Type": "application/octet-stream" };
		if (!options.noRanges) headers["Accept-Ranges"] = "bytes";
		let start = 0;
		let end = size - 1;
		let status = 200;
		const rangeHeader = req.headers.range;
		if (rangeHeader && !options.noRanges) {
			const range = parseRange(rangeHeader, size);
			if (!range) {
				record.status = 416;
				res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
				return;
			}
			({ start, end } = range);
			status = 206;
			headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
		}
		if (!options.chunked) headers["Content-Length"] = options.length ?? end - start + 1;
		// A lying length: close after the body, so a client waiting for more bytes sees the end.
		if (options.length !== undefined) headers.Connection = "close";
		record.status = status;
		res.writeHead(status, headers);
		if (req.method === "HEAD" || size === 0) {
			res.end();
			return;
		}
		// A stall offset counts from the file's start, so a resumed request passes it.
		const stallInBody = stallAfter === undefined ? undefined : Math.max(0, stallAfter - start);
		pump(createReadStream(file, { start, end, highWaterMark: 1 << 20 }), res, record, {
			rate: options.rate,
			stallAfter: stallInBody,
		});
	};

	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://localhost");
		const record: RequestRecord = {
			path: `${url.pathname}${url.search}`,
			range: req.headers.range,
			status: 0,
			sent: 0,
			at: Date.now(),
		};
		requests.push(record);
		const redirect = (location: string) => {
			record.status = 302;
			res.writeHead(302, { Location: location, "Content-Length": 0 }).end();
		};
		if (url.pathname.startsWith("/files/")) {
			serveFile(req, res, url, record).catch(() => res.destroy());
		} else if (url.pathname === "/redirect") {
			const hops = Number(url.searchParams.get("hops") ?? "1");
			const to = url.searchParams.get("to") ?? "/";
			redirect(hops > 1 ? `/redirect?${new URLSearchParams({ to, hops: String(hops - 1) })}` : to);
		} else if (url.pathname === "/loop") {
			redirect("/loop");
		} else if (url.pathname.startsWith("/status/")) {
			const code = Number(url.pathname.slice("/status/".length)) || 500;
			record.status = code;
			res.writeHead(code, { "Content-Type": "text/plain" }).end(`${STATUS_TEXT[code] ?? "status"}\n`);
		} else {
			record.status = 404;
			res.writeHead(404).end();
		}
	});
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	origin = `http://127.0.0.1:${port}`;

	return {
		origin,
		port,
		requests,
		add: (name, file) => {
			files.set(name, file);
		},
		url: (name, options = {}, host) => {
			const query = new URLSearchParams();
			if (options.rate !== undefined) query.set("rate", String(options.rate));
			if (options.stallAfter !== undefined) query.set("stall", String(options.stallAfter));
			if (options.stalls !== undefined) query.set("stalls", String(options.stalls));
			if (options.chunked) query.set("chunked", "1");
			if (options.length !== undefined) query.set("length", String(options.length));
			if (options.noRanges) query.set("noranges", "1");
			const search = query.size > 0 ? `?${query}` : "";
			return `http://${host ?? "127.0.0.1"}:${port}/files/${encodeURIComponent(name)}${search}`;
		},
		redirect: (to, hops = 1) => `${origin}/redirect?${new URLSearchParams({ to, hops: String(hops) })}`,
		loop: () => `${origin}/loop`,
		status: (code) => `${origin}/status/${code}`,
		requestsFor: (name) => requests.filter((r) => r.path.startsWith(`/files/${encodeURIComponent(name)}`)),
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
