import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AnswerFrame, type CommandFrame, type Host, PROTOCOL_VERSION, parseFrame } from "@flarestack/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandError, type CommandHandlers, Dispatcher, loggableArgs } from "../../relay-agent/src/dispatcher.ts";
import { createLogger, silentLogger } from "../../relay-agent/src/log.ts";
import { StateStore } from "../../relay-agent/src/state.ts";

const HOST_ID = "0b8b3c2e-5d5e-4a3e-9f1a-2c3d4e5f6a7b";

function host(state: Host["state"] = "Up"): Host {
	return {
		id: HOST_ID,
		uri: "sim://h1",
		name: "h1",
		state,
		cpuCount: 8,
		cpuMhz: 2400,
		memoryBytes: 16 * 1024 ** 3,
		hypervisorVersion: "1.0.0",
		domainType: "kvm",
		domains: [],
	};
}

function command(name: CommandFrame["name"], deadlineIn = 10_000, id = crypto.randomUUID()): CommandFrame {
	const args = name === "host.connect" ? { hostId: HOST_ID, uri: "sim://h1" } : { hostId: HOST_ID };
	return { type: "command", v: PROTOCOL_VERSION, id, name, args, deadline: Date.now() + deadlineIn } as CommandFrame;
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "relay-dispatcher-"));
});
afterEach(async () => {
	// A test may end while an answer's state file write is still running: rm retries then.
	await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

function setup(handlers: Partial<CommandHandlers>, store = new StateStore(path.join(dir, "state.json"))) {
	const sent: AnswerFrame[] = [];
	const calls: string[] = [];
	const unused = async () => {
		throw new Error("not used by these tests");
	};
	const all = {
		"host.connect": async () => host(),
		"host.refresh": async () => host(),
		"host.disconnect": async () => ({}),
		"store.stat": unused,
		"store.remove": unused,
		"template.download": unused,
		"template.prepare": unused,
		"template.upload": unused,
		"volume.clone": unused,
		...handlers,
	} as CommandHandlers;
	const counted = Object.fromEntries(
		Object.entries(all).map(([name, fn]) => [
			name,
			(args: never, context: never) => {
				calls.push(name);
				return (fn as (a: never, c: never) => Promise<unknown>)(args, context);
			},
		]),
	) as unknown as CommandHandlers;
	const dispatcher = new Dispatcher({
		handlers: counted,
		store,
		log: silentLogger,
		send: (frame) => {
			if (frame.type === "answer") sent.push(frame);
			return true;
		},
	});
	return { dispatcher, sent, calls, store };
}

describe("dispatcher", () => {
	it("runs a command once and answers the same id twice with the same answer", async () => {
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const { dispatcher, sent, calls } = setup({
			"host.connect": async () => {
				await gate;
				return host();
			},
		});
		const frame = command("host.connect");
		dispatcher.handle(frame);
		dispatcher.handle(frame); // resent while running: nothing new
		await tick();
		expect(calls).toEqual(["host.connect"]);
		expect(sent).toEqual([]);
		expect(dispatcher.recentIds()).toContain(frame.id);

		release();
		await vi.waitFor(() => expect(sent).toHaveLength(1));
		expect(sent[0]).toMatchObject({ type: "answer", id: frame.id, ok: true, result: host() });

		dispatcher.handle(frame); // resent after it finished: the stored answer again
		await tick();
		expect(calls).toEqual(["host.connect"]);
		expect(sent).toHaveLength(2);
		expect(sent[1]).toEqual(sent[0]);
	});

	it("remembers answers across a restart (through the state file)", async () => {
		const file = path.join(dir, "state.json");
		const first = setup({}, new StateStore(file));
		const frame = command("host.refresh");
		first.dispatcher.handle(frame);
		await vi.waitFor(() => expect(first.sent).toHaveLength(1));

		const { store } = await StateStore.open(file);
		const second = setup({}, store);
		expect(second.dispatcher.recentIds()).toEqual([frame.id]);
		second.dispatcher.handle(frame);
		await tick();
		expect(second.calls).toEqual([]);
		expect(second.sent).toEqual(first.sent);
	});

	it("writes a command's answer to the state file before sending it (a kill right after loses nothing)", async () => {
		const file = path.join(dir, "state.json");
		const store = new StateStore(file);
		const onDisk: string[][] = [];
		const dispatcher = new Dispatcher({
			handlers: { "host.refresh": async () => host() } as unknown as CommandHandlers,
			store,
			log: silentLogger,
			send: (frame) => {
				if (frame.type === "answer") {
					// What a restarted agent would read at this moment.
					const saved = JSON.parse(readFileSync(file, "utf8")) as { answers: [string, unknown][] };
					onDisk.push(saved.answers.map(([id]) => id));
				}
				return true;
			},
		});
		const frame = command("host.refresh");
		dispatcher.handle(frame);
		await tick(50);
		expect(onDisk).toEqual([[frame.id]]);
	});

	it("answers timeout at the deadline and aborts the work", async () => {
		let aborted = false;
		const { dispatcher, sent } = setup({
			"host.connect": (_args, { signal }) =>
				new Promise((_resolve, reject) => {
					signal.addEventListener("abort", () => {
						aborted = true;
						reject(signal.reason);
					});
				}),
		});
		const frame = command("host.connect", 100);
		const started = Date.now();
		dispatcher.handle(frame);
		await tick(400);
		expect(aborted).toBe(true);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ id: frame.id, ok: false, error: { code: "timeout" } });
		expect(Date.now() - started).toBeGreaterThanOrEqual(90);
	});

	it("answers timeout at once for a command whose deadline has already passed", async () => {
		const { dispatcher, sent, calls } = setup({});
		const frame = command("host.connect", -1);
		dispatcher.handle(frame);
		await tick();
		expect(calls).toEqual([]);
		expect(sent[0]).toMatchObject({ id: frame.id, ok: false, error: { code: "timeout" } });
	});

	it("turns handler errors into answer codes; a bad result is `failed`", async () => {
		const { dispatcher, sent } = setup({
			"host.connect": async () => {
				throw new CommandError("unreachable", "libvirtd is not answering");
			},
			"host.refresh": async () => ({ not: "a host" }) as unknown as Host,
			"host.disconnect": async () => {
				throw new Error("boom");
			},
		});
		for (const name of ["host.connect", "host.refresh", "host.disconnect"] as const) dispatcher.handle(command(name));
		await vi.waitFor(() => expect(sent).toHaveLength(3));
		expect(sent.map((a) => (a.ok ? "ok" : a.error.code))).toEqual(["unreachable", "failed", "failed"]);
		expect(sent[0]).toMatchObject({ error: { text: "libvirtd is not answering" } });
		expect(sent[1]).toMatchObject({ error: { text: expect.stringMatching(/bad host.refresh result/) } });
	});

	it("answers a command it cannot parse: unsupported for an unknown name, invalid for bad args", async () => {
		const { dispatcher, sent } = setup({});
		const unknownId = crypto.randomUUID();
		const unknown = JSON.stringify({
			type: "command",
			v: 1,
			id: unknownId,
			name: "vm.nosuch",
			args: {},
			deadline: Date.now() + 5000,
		});
		const parsedUnknown = parseFrame(unknown, "toAgent");
		expect(parsedUnknown.ok).toBe(false);
		if (!parsedUnknown.ok) dispatcher.refuse(parsedUnknown.error, unknown);

		const badId = crypto.randomUUID();
		const bad = JSON.stringify({
			type: "command",
			v: 1,
			id: badId,
			name: "host.connect",
			args: { hostId: "x" },
			deadline: Date.now() + 5000,
		});
		const parsedBad = parseFrame(bad, "toAgent");
		if (!parsedBad.ok) dispatcher.refuse(parsedBad.error, bad);

		// A refused frame of another type is dropped, not answered.
		const other = JSON.stringify({ type: "ready", v: 1, id: crypto.randomUUID() });
		const parsedOther = parseFrame(other, "toAgent");
		if (!parsedOther.ok) dispatcher.refuse(parsedOther.error, other);

		expect(sent).toEqual([
			expect.objectContaining({ id: unknownId, ok: false, error: expect.objectContaining({ code: "unsupported" }) }),
			expect.objectContaining({ id: badId, ok: false, error: expect.objectContaining({ code: "invalid" }) }),
		]);
		// The refusal is remembered like any answer.
		if (!parsedUnknown.ok) dispatcher.refuse(parsedUnknown.error, unknown);
		expect(sent).toHaveLength(3);
		expect(sent[2]).toEqual(sent[0]);
	});

	it("keeps at most `limit` answers, oldest forgotten first", async () => {
		const store = new StateStore(path.join(dir, "state.json"));
		const sent: AnswerFrame[] = [];
		const dispatcher = new Dispatcher({
			handlers: {
				"host.connect": async () => host(),
				"host.refresh": async () => host(),
				"host.disconnect": async () => ({}),
			} as unknown as CommandHandlers,
			store,
			log: silentLogger,
			limit: 5,
			send: (frame) => {
				if (frame.type === "answer") sent.push(frame);
				return true;
			},
		});
		const frames = Array.from({ length: 8 }, () => command("host.disconnect"));
		for (const frame of frames) dispatcher.handle(frame);
		// Each answer goes out once the state file is written: all sent, no write is left running.
		await vi.waitFor(() => expect(sent).toHaveLength(8));
		expect(dispatcher.recentIds()).toEqual(frames.slice(3).map((f) => f.id));
		expect(store.data.answers.map(([id]) => id)).toEqual(frames.slice(3).map((f) => f.id));
	});
});

describe("the command log", () => {
	it("never shows a template URL's credentials or query", async () => {
		const lines: string[] = [];
		const dispatcher = new Dispatcher({
			handlers: {
				"template.download": async () => {
					throw new CommandError("failed", "not downloading in this test");
				},
			} as unknown as CommandHandlers,
			store: new StateStore(path.join(dir, "state.json")),
			log: createLogger({ write: (line) => lines.push(line) }),
			send: () => true,
		});
		const frame = {
			...command("store.stat"),
			name: "template.download",
			args: { url: "https://user:s3cret@images.example/disk.qcow2?X-Amz-Signature=abc123", path: "a/b.qcow2" },
		} as unknown as CommandFrame;
		dispatcher.handle(frame);
		await tick();
		const text = lines.join("\n");
		expect(text).toContain("https://images.example/disk.qcow2");
		expect(text).not.toMatch(/s3cret|abc123|X-Amz/);
		expect(loggableArgs({ store: { kind: "local", path: "/srv" } } as CommandFrame["args"])).toEqual({
			store: { kind: "local", path: "/srv" },
		});
	});

	it("logs a config drive's file names and sizes, never the user data", () => {
		const userData = Buffer.from("#cloud-config\npassword: hunter2-secret\n").toString("base64");
		const args = {
			hostId: crypto.randomUUID(),
			domain: {
				name: "i-1-VM",
				configDrive: {
					store: { kind: "local", path: "/srv" },
					path: "configdrive-1.iso",
					files: [{ name: "openstack/latest/user_data", base64: userData }],
				},
			},
		} as unknown as CommandFrame["args"];
		const logged = JSON.stringify(loggableArgs(args));
		expect(logged).toContain("openstack/latest/user_data");
		expect(logged).toContain("configdrive-1.iso");
		expect(logged).not.toContain(userData);
	});
});
