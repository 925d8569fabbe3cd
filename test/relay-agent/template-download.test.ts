/**
 * template.download against a local HTTP server, a directory store and a fake qemu-img: every
 * refusal leaves nothing behind, resume and restart after a stall hash the right bytes.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DownloadLimits } from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DownloadRequest, downloadTemplate, sized } from "../../relay-agent/src/templates/download.ts";
import { QemuImg } from "../../relay-agent/src/templates/qemu-img.ts";
import { DirStore, fakeQemuImg, file, isoBytes, qcow2Header, serve } from "./template-fixtures.ts";

const LIMITS: DownloadLimits = {
	maxBytes: 64 * 1024 ** 2,
	maxRedirects: 3,
	stallTimeoutMs: 300,
	attempts: 3,
	deniedRanges: [],
};

let dir: string;
let store: DirStore;
let server: Awaited<ReturnType<typeof serve>> | undefined;
const image = Buffer.concat([qcow2Header(10 * 1024 ** 3), randomBytes(3 * 1024 * 1024)]);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-download-"));
	store = new DirStore(dir);
});
afterEach(async () => {
	await server?.close();
	server = undefined;
	await rm(dir, { recursive: true, force: true });
});

async function run(request: Partial<DownloadRequest> & { url: string }, signal = new AbortController().signal) {
	const progress: Array<[number, string]> = [];
	const result = downloadTemplate(
		store,
		{ format: "QCOW2", path: "template/tmpl/a/t/t.qcow2", limits: LIMITS, ...request },
		{
			signal,
			progress: (percent, text) => progress.push([percent, text]),
			qemuImg: new QemuImg(fakeQemuImg()),
			retryDelayMs: () => 10,
			tickMs: 20,
		},
	);
	return { result, progress };
}

async function leftovers(): Promise<string[]> {
	const found: string[] = [];
	const walk = async (at: string) => {
		for (const entry of await readdir(at, { withFileTypes: true })) {
			const full = path.join(at, entry.name);
			if (entry.isDirectory()) await walk(full);
			else found.push(path.relative(dir, full));
		}
	};
	await walk(dir);
	return found;
}

describe("template.download", () => {
	it("streams, hashes, checks and renames a qcow2", async () => {
		server = await serve({ "/t.qcow2": file(image) });
		const md5 = createHash("md5").update(image).digest("hex");
		const { result } = await run({ url: `${server.url}/t.qcow2`, checksum: { algorithm: "md5", hex: md5 } });
		expect(await result).toEqual({
			path: "template/tmpl/a/t/t.qcow2",
			format: "QCOW2",
			sizeBytes: 10 * 1024 ** 3,
			physicalBytes: image.length,
			sha256: sha256(image),
		});
		expect(await leftovers()).toEqual(["template/tmpl/a/t/t.qcow2"]);
		expect(sha256(await readFile(path.join(dir, "template/tmpl/a/t/t.qcow2")))).toBe(sha256(image));
	});

	it("refuses a checksum mismatch, naming both, and leaves nothing", async () => {
		server = await serve({ "/t.qcow2": file(image) });
		const { result } = await run({
			url: `${server.url}/t.qcow2`,
			checksum: { algorithm: "sha256", hex: "ab".repeat(32) },
		});
		await expect(result).rejects.toThrow(`checksum mismatch: expected sha256 ${"ab".repeat(32)}, got ${sha256(image)}`);
		expect(await leftovers()).toEqual([]);
	});

	it("answers a 404 at once with the status and the URL (no query)", async () => {
		server = await serve({});
		const { result } = await run({ url: `${server.url}/gone.qcow2?sig=secret` });
		await expect(result).rejects.toThrow(`HTTP 404 Not Found from ${server.url}/gone.qcow2`);
		expect(server.hits["/gone.qcow2?sig=secret"]).toHaveLength(1);
		expect(await leftovers()).toEqual([]);
	});

	it("refuses a file that is not what its format says", async () => {
		server = await serve({ "/t.raw": file(randomBytes(100_000)) });
		const { result } = await run({ url: `${server.url}/t.raw` });
		await expect(result).rejects.toThrow("the file is raw, not QCOW2 as registered");
		expect(await leftovers()).toEqual([]);
	});

	it("refuses a qcow2 naming a backing file or an external data file from its header", async () => {
		server = await serve({
			"/b.qcow2": file(qcow2Header(1024 ** 3, { backing: "/etc/shadow" })),
			"/d.qcow2": file(qcow2Header(1024 ** 3, { dataFile: "/dev/sda" })),
		});
		await expect((await run({ url: `${server.url}/b.qcow2` })).result).rejects.toThrow(
			"a qcow2 with a backing file is refused: it names /etc/shadow",
		);
		await expect((await run({ url: `${server.url}/d.qcow2` })).result).rejects.toThrow(
			"a qcow2 with an external data file is refused: it names /dev/sda",
		);
		expect(await leftovers()).toEqual([]);
	});

	it("checks an ISO's CD001 mark", async () => {
		server = await serve({ "/a.iso": file(isoBytes()), "/b.iso": file(randomBytes(40_000)) });
		const ok = await (await run({ url: `${server.url}/a.iso`, format: "ISO", path: "i/a.iso" })).result;
		expect(ok).toMatchObject({ format: "ISO", sizeBytes: 40_000, physicalBytes: 40_000 });
		await expect((await run({ url: `${server.url}/b.iso`, format: "ISO", path: "i/b.iso" })).result).rejects.toThrow(
			"no ISO 9660 mark (CD001) at byte 32769",
		);
		expect(await leftovers()).toEqual(["i/a.iso"]);
	});

	it("refuses denied addresses: a literal IP, a name that resolves into the range, a redirect there", async () => {
		server = await serve({});
		const limits = { ...LIMITS, deniedRanges: ["10.0.0.0/8", "127.0.0.0/8", "::1/128"] };
		await expect((await run({ url: `${server.url}/x`, limits })).result).rejects.toThrow(
			/is refused: 127\.0\.0\.1 is in the denied range 127\.0\.0\.0\/8 \(template\.download\.denied\.cidrs\)/,
		);
		const port = new URL(server.url).port;
		await expect((await run({ url: `http://localhost:${port}/x`, limits })).result).rejects.toThrow(
			/localhost \((127\.0\.0\.1|::1)\) is in the denied range/,
		);
		await expect((await run({ url: "http://[::ffff:10.1.2.3]/x", limits })).result).rejects.toThrow(
			"in the denied range 10.0.0.0/8",
		);
		expect(await leftovers()).toEqual([]);
	});

	it("follows redirects up to the limit, refuses loops and non-http targets", async () => {
		const redirect = (to: string) => (_: unknown, response: import("node:http").ServerResponse) =>
			void response.writeHead(302, { Location: to }).end();
		server = await serve({
			"/a": redirect("/b"),
			"/b": redirect("/t.qcow2"),
			"/t.qcow2": file(image),
			"/loop": redirect("/loop"),
			"/ftp": redirect("ftp://example.com/x"),
		});
		expect(await (await run({ url: `${server.url}/a` })).result).toMatchObject({ sha256: sha256(image) });
		await expect((await run({ url: `${server.url}/loop` })).result).rejects.toThrow(
			`too many redirects: more than 3 from ${server.url}/loop`,
		);
		await expect((await run({ url: `${server.url}/ftp` })).result).rejects.toThrow("a redirect to ftp: is refused");
	});

	it("refuses at once what is over the size limit or the free space", async () => {
		server = await serve({ "/t.qcow2": file(image) });
		const limits = { ...LIMITS, maxBytes: 1024 * 1024 };
		await expect((await run({ url: `${server.url}/t.qcow2`, limits })).result).rejects.toThrow(
			`the image is ${sized(image.length)}, more than the limit of 1048576 bytes (1 MiB) (max.template.iso.size)`,
		);
		store.capacity = 1000;
		await expect((await run({ url: `${server.url}/t.qcow2` })).result).rejects.toThrow(
			`secondary storage ${dir} is full: 1000 bytes free, the image is ${image.length} bytes`,
		);
		expect(await leftovers()).toEqual([]);
	});

	it("fails at once, without retrying, when the store fills up while writing", async () => {
		server = await serve({ "/t.qcow2": file(image) });
		const real = store.createWriteStream.bind(store);
		store.createWriteStream = async (p) => {
			const stream = await real(p);
			let written = 0;
			const write = stream.write.bind(stream);
			stream.write = ((chunk: Buffer, ...rest: never[]) => {
				written += chunk.length;
				if (written > 1024 * 1024) {
					stream.destroy(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
					return false;
				}
				return write(chunk, ...rest);
			}) as typeof stream.write;
			return stream;
		};
		await expect((await run({ url: `${server.url}/t.qcow2` })).result).rejects.toThrow(
			`secondary storage ${dir} is full (while writing template/tmpl/a/t/t.qcow2)`,
		);
		expect(server.hits["/t.qcow2"]).toHaveLength(1);
		expect(await leftovers()).toEqual([]);
	});

	it("stops a body without Content-Length once it passes the limit", async () => {
		server = await serve({
			"/chunked": (_request, response) => {
				response.writeHead(200);
				response.end(image);
			},
		});
		const limits = { ...LIMITS, maxBytes: 1024 * 1024 };
		await expect((await run({ url: `${server.url}/chunked`, limits })).result).rejects.toThrow(
			"the image is larger than the limit of 1048576 bytes (1 MiB)",
		);
		expect(await leftovers()).toEqual([]);
	});

	it("resumes a stalled download with Range and gets the right bytes", async () => {
		server = await serve({ "/t.qcow2": file(image, { ranges: true, stallAt: 1024 * 1024, stallOnce: true }) });
		const { result } = await run({
			url: `${server.url}/t.qcow2`,
			checksum: { algorithm: "sha256", hex: sha256(image) },
		});
		expect(await result).toMatchObject({ sha256: sha256(image) });
		const ranges = (server.hits["/t.qcow2"] ?? []).map((headers) => headers.range ?? null);
		expect(ranges).toEqual([null, "bytes=1048576-"]);
		expect(server.hits["/t.qcow2"]?.[1]?.["if-range"]).toBe('"v1"');
	});

	it("restarts from byte 0 when the server has no ranges", async () => {
		server = await serve({ "/t.qcow2": file(image, { stallAt: 1024 * 1024, stallOnce: true }) });
		const { result } = await run({ url: `${server.url}/t.qcow2` });
		expect(await result).toMatchObject({ sha256: sha256(image) });
		expect((server.hits["/t.qcow2"] ?? []).map((headers) => headers.range ?? null)).toEqual([null, null]);
	});

	it("gives up after the attempts, with what failed", async () => {
		server = await serve({ "/t.qcow2": file(image, { stallAt: 1024 }) });
		const { result } = await run({ url: `${server.url}/t.qcow2` });
		await expect(result).rejects.toThrow("no data for 300 ms (gave up after 3 attempts)");
		expect(server.hits["/t.qcow2"]).toHaveLength(3);
		expect(await leftovers()).toEqual([]);
	});

	it("retries a refused connection, then says so", async () => {
		const { result } = await run({ url: "http://127.0.0.1:9/t.qcow2" });
		await expect(result).rejects.toThrow(
			"cannot connect to 127.0.0.1:9 for http://127.0.0.1:9/t.qcow2: connection refused (gave up after 3 attempts)",
		);
	});

	it("sends progress with the percent", async () => {
		let sent = 0;
		server = await serve({
			"/slow": (_request, response) => {
				response.writeHead(200, { "Content-Length": image.length });
				const step = () => {
					const next = Math.min(image.length, sent + 512 * 1024);
					response.write(image.subarray(sent, next));
					sent = next;
					if (sent < image.length) setTimeout(step, 300);
					else response.end();
				};
				step();
			},
		});
		const { result, progress } = await run({ url: `${server.url}/slow`, limits: { ...LIMITS, stallTimeoutMs: 5000 } });
		await result;
		expect(progress.length).toBeGreaterThanOrEqual(1);
		for (const [percent, text] of progress) expect(text).toBe(`${percent}% Downloaded`);
	});

	it("removes the part file when the deadline aborts it", async () => {
		server = await serve({ "/t.qcow2": file(image, { stallAt: 1024 * 1024 }) });
		const controller = new AbortController();
		const { result } = await run(
			{ url: `${server.url}/t.qcow2`, limits: { ...LIMITS, stallTimeoutMs: 60_000 } },
			controller.signal,
		);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(await leftovers()).toEqual(["template/tmpl/a/t/t.qcow2.part"]);
		controller.abort(new Error("deadline"));
		await expect(result).rejects.toThrow("deadline");
		expect(await leftovers()).toEqual([]);
	});
});
