/**
 * The simulator's storage: no disk, fixed 10 TiB stores whose "used" is what they stored, a real
 * HTTP download with every check, and copies and clones that succeed at once.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DownloadLimits, StoreLocation } from "@flarestack/protocol";
import { type AnswerFrame, type CommandFrame, PROTOCOL_VERSION } from "@flarestack/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandContext } from "../../relay-agent/src/dispatcher.ts";
import { type CommandHandlers, Dispatcher } from "../../relay-agent/src/dispatcher.ts";
import { silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";
import { simulatorStorageHandlers } from "../../relay-agent/src/templates/simulator.ts";
import { file, qcow2Header, serve } from "./template-fixtures.ts";

const TEMPLATE_ID = "5d0c8a1e-3c7b-4c2a-9f5e-0a1b2c3d4e5f";
const LIMITS: DownloadLimits = {
	maxBytes: 2 ** 30,
	maxRedirects: 2,
	stallTimeoutMs: 2000,
	attempts: 2,
	deniedRanges: [],
};
const secondary: StoreLocation = { kind: "nfs", server: "10.0.0.5", path: "/export/secondary" };
const primary: StoreLocation = { kind: "nfs", server: "10.0.0.5", path: "/export/primary" };
const TIB10 = 10 * 1024 ** 4;

const context = (): CommandContext => ({
	signal: new AbortController().signal,
	deadline: Date.now() + 60_000,
	remainingMs: () => 60_000,
	progress: () => {},
});

let server: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

describe("simulator storage", () => {
	it("downloads for real, keeps no bytes, and counts them as used", async () => {
		const image = Buffer.concat([qcow2Header(5 * 1024 ** 3), randomBytes(1024 * 1024)]);
		const sha256 = createHash("sha256").update(image).digest("hex");
		server = await serve({ "/t.qcow2": file(image), "/t.raw": file(randomBytes(1000)) });
		const handlers = simulatorStorageHandlers(silentLogger);
		expect(await handlers["store.stat"]({ store: secondary }, context())).toEqual({
			capacityBytes: TIB10,
			usedBytes: 0,
		});
		const args = {
			templateId: TEMPLATE_ID,
			url: `${server.url}/t.qcow2`,
			format: "QCOW2" as const,
			checksum: { algorithm: "sha256" as const, hex: sha256 },
			store: secondary,
			path: "template/tmpl/a/t/t.qcow2",
			limits: LIMITS,
		};
		expect(await handlers["template.download"](args, context())).toEqual({
			path: args.path,
			format: "QCOW2",
			sizeBytes: 5 * 1024 ** 3,
			physicalBytes: image.length,
			sha256,
		});
		expect(await handlers["store.stat"]({ store: secondary }, context())).toEqual({
			capacityBytes: TIB10,
			usedBytes: image.length,
		});
		// The failures go to another path: a failed download removes whatever is at its own path.
		const other = { ...args, path: "template/tmpl/a/u/u.qcow2" };
		await expect(
			handlers["template.download"]({ ...other, checksum: { algorithm: "sha256", hex: "0".repeat(64) } }, context()),
		).rejects.toThrow("checksum mismatch");
		await expect(
			handlers["template.download"]({ ...other, checksum: undefined, url: `${server.url}/t.raw` }, context()),
		).rejects.toThrow("the file is raw, not QCOW2 as registered");
		await expect(
			handlers["template.download"]({ ...other, limits: { ...LIMITS, deniedRanges: ["127.0.0.0/8"] } }, context()),
		).rejects.toThrow("in the denied range 127.0.0.0/8");
		await expect(handlers["template.download"]({ ...other, url: `${server.url}/404` }, context())).rejects.toThrow(
			"HTTP 404",
		);
		expect(await handlers["store.stat"]({ store: secondary }, context())).toEqual({
			capacityBytes: TIB10,
			usedBytes: image.length,
		});

		const prepareArgs = {
			templateId: TEMPLATE_ID,
			source: { store: secondary, path: args.path, format: "QCOW2" as const },
			pool: primary,
			path: `template-${TEMPLATE_ID}.qcow2`,
		};
		const prepared = await handlers["template.prepare"](prepareArgs, context());
		expect(prepared).toMatchObject({ copied: true, sizeBytes: 5 * 1024 ** 3, format: "QCOW2" });
		expect((await handlers["template.prepare"](prepareArgs, context())).copied).toBe(false);
		const clone = await handlers["volume.clone"](
			{ pool: primary, backingPath: prepareArgs.path, path: "vol-1.qcow2" },
			context(),
		);
		expect(clone).toMatchObject({ format: "QCOW2", sizeBytes: 5 * 1024 ** 3 });

		expect(await handlers["store.remove"]({ store: secondary, path: "template/tmpl/a/t" }, context())).toEqual({
			removed: true,
		});
		expect(await handlers["store.stat"]({ store: secondary }, context())).toEqual({
			capacityBytes: TIB10,
			usedBytes: 0,
		});
	});

	it("answers a copy of a template it never saw with plausible sizes", async () => {
		const handlers = simulatorStorageHandlers(silentLogger);
		const prepared = await handlers["template.prepare"](
			{
				templateId: TEMPLATE_ID,
				source: { store: secondary, path: "template/tmpl/x/y/y.qcow2", format: "QCOW2" },
				pool: primary,
				path: "template-y.qcow2",
			},
			context(),
		);
		expect(prepared).toMatchObject({ copied: true, sizeBytes: 10 * 1024 ** 3 });
	});
});

describe("simulator storage through the dispatcher", () => {
	it("answers results the Worker accepts (the dispatcher checks them against the protocol)", async () => {
		const dir = await mkdtemp(path.join(tmpdir(), "relay-sim-storage-"));
		const sent: AnswerFrame[] = [];
		const dispatcher = new Dispatcher({
			handlers: simulatorStorageHandlers(silentLogger) as unknown as CommandHandlers,
			store: new StateStore(path.join(dir, "state.json")),
			log: silentLogger,
			send: (frame) => {
				if (frame.type === "answer") sent.push(frame);
				return true;
			},
		});
		const frame = (name: string, args: unknown) =>
			({
				type: "command",
				v: PROTOCOL_VERSION,
				id: crypto.randomUUID(),
				name,
				args,
				deadline: Date.now() + 10_000,
			}) as unknown as CommandFrame;
		dispatcher.handle(frame("store.stat", { store: secondary }));
		dispatcher.handle(
			frame("template.prepare", {
				templateId: TEMPLATE_ID,
				source: { store: secondary, path: "a/b.qcow2", format: "QCOW2" },
				pool: primary,
				path: "template-b.qcow2",
			}),
		);
		dispatcher.handle(frame("volume.clone", { pool: primary, backingPath: "template-b.qcow2", path: "v.qcow2" }));
		dispatcher.handle(frame("store.remove", { store: primary, path: "v.qcow2" }));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(sent).toHaveLength(4);
		expect(sent.map((answer) => answer.ok && answer.result)).toEqual(
			expect.arrayContaining([
				{ capacityBytes: TIB10, usedBytes: 0 },
				expect.objectContaining({ copied: true, format: "QCOW2" }),
				expect.objectContaining({ path: "v.qcow2", format: "QCOW2" }),
				{ removed: true },
			]),
		);
		await rm(dir, { recursive: true, force: true });
	});
});
