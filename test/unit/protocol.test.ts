/** The relay wire protocol (protocol/src): frame schemas, the codec and its refusals. */
import { describe, expect, it } from "vitest";
import {
	COMMANDS,
	type CommandName,
	type Direction,
	type DiskSpec,
	type Domain,
	type DomainSpec,
	encodeFrame,
	type FrameErrorReason,
	type Host,
	isFatalClose,
	MAX_FRAME_BYTES,
	PROTOCOL_VERSION,
	parseCommandResult,
	parseFrame,
	type ToAgentFrame,
	type ToWorkerFrame,
} from "../../protocol/src/index.ts";

const AGENT = "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const HOST = "0b7e6c1a-2d3f-4a5b-9c8d-7e6f5a4b3c2d";
const POOL = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const CMD = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a";
const SESSION = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a";
const NOW = 1_796_000_000_000;

const domain: Domain = { name: "i-2-10-VM", uuid: "12345678-1234-1234-1234-123456789abc", state: "running" };

const host: Host = {
	id: HOST,
	uri: "qemu+tcp://10.0.0.5/system",
	name: "kvm1",
	state: "Up",
	cpuCount: 16,
	cpuMhz: 2400,
	memoryBytes: 68_719_476_736,
	hypervisorVersion: "QEMU 8.2.2 / libvirt 10.0.0",
	domainType: "kvm",
	domains: [domain],
};

const hello = {
	type: "hello",
	v: PROTOCOL_VERSION,
	agentId: AGENT,
	agentVersion: "0.1.0",
	hosts: [host],
	pools: [{ id: POOL, kind: "NetworkFilesystem", capacityBytes: 1_099_511_627_776, usedBytes: 0 }],
	recentCommandIds: [CMD],
} satisfies ToWorkerFrame;

const toWorker: ToWorkerFrame[] = [
	hello,
	{ ...hello, hosts: [], pools: [], recentCommandIds: [] },
	{ type: "answer", v: 1, id: CMD, ok: true, result: host },
	{ type: "answer", v: 1, id: CMD, ok: false, error: { code: "unreachable", text: "libvirtd did not answer" } },
	{ type: "progress", v: 1, id: CMD, percent: 42.5, text: "copying" },
	{ type: "event", v: 1, at: NOW, kind: "host.state", hostId: HOST, state: "Down", text: "libvirtd gone" },
	{
		type: "event",
		v: 1,
		at: NOW,
		kind: "domain.state",
		hostId: HOST,
		domain: { ...domain, state: "shutoff" },
	},
	{ type: "event", v: 1, at: NOW, kind: "pool.capacity", poolId: POOL, capacityBytes: 100, usedBytes: 60 },
	{ type: "ping", v: 1 },
];

const command = {
	type: "command",
	v: 1,
	id: CMD,
	name: "host.connect",
	args: { hostId: HOST, uri: "qemu+ssh://root@kvm1/system" },
	deadline: NOW + 30_000,
} satisfies ToAgentFrame;

const NFS = { kind: "nfs", server: "10.0.0.2", path: "/export/secondary" } as const;

const DATA_DISK: DiskSpec = {
	volumeId: POOL,
	device: "disk",
	bus: "virtio",
	target: "vdb",
	store: NFS,
	path: "vol-2.qcow2",
	format: "QCOW2",
	chain: [],
	readonly: false,
};

const DOMAIN_SPEC: DomainSpec = {
	uuid: HOST,
	name: "i-1-VM",
	type: "qemu",
	vcpus: 1,
	cpuShares: 1000,
	memoryMiB: 128,
	bootCdrom: false,
	disks: [{ ...DATA_DISK, target: "vda", path: "vol-1.qcow2", chain: [{ path: "template-2.qcow2", format: "QCOW2" }] }],
	nics: [{ mac: "02:00:0a:0b:0c:0d", model: "virtio" }],
	configDrive: {
		store: NFS,
		path: "configdrive-1.iso",
		files: [{ name: "openstack/latest/meta_data.json", base64: "e30=" }],
	},
};

const toAgent: ToAgentFrame[] = [
	{ type: "ready", v: 1, sessionId: SESSION, role: "active", heartbeatMs: 5000, serverTime: NOW },
	command,
	{ ...command, name: "host.refresh", args: { hostId: HOST } },
	{ ...command, name: "host.disconnect", args: { hostId: HOST } },
	{ ...command, name: "store.stat", args: { store: NFS } },
	{ ...command, name: "store.remove", args: { store: NFS, path: "template/tmpl/1/2" } },
	{
		...command,
		name: "template.download",
		args: {
			templateId: HOST,
			url: "https://images.example/debian.qcow2",
			format: "QCOW2",
			checksum: { algorithm: "sha256", hex: "ab12" },
			store: NFS,
			path: "template/tmpl/1/2/2.qcow2",
			limits: {
				maxBytes: 2 ** 30,
				maxRedirects: 5,
				stallTimeoutMs: 60_000,
				attempts: 3,
				deniedRanges: ["169.254.0.0/16"],
			},
		},
	},
	{
		...command,
		name: "template.prepare",
		args: {
			templateId: HOST,
			source: { store: NFS, path: "template/tmpl/1/2/2.qcow2", format: "QCOW2" },
			pool: { kind: "local", path: "/srv/primary" },
			path: "template-2.qcow2",
		},
	},
	{ ...command, name: "template.upload", args: { store: NFS, path: "template/tmpl/1/2/2.qcow2", streamId: SESSION } },
	{
		...command,
		name: "volume.clone",
		args: { pool: NFS, backingPath: "template-2.qcow2", path: "vol-1.qcow2", sizeBytes: 2 * 2 ** 30 },
	},
	{ ...command, name: "volume.create", args: { store: NFS, path: "vol-2.qcow2", sizeBytes: 2 ** 30 } },
	{
		...command,
		name: "volume.resize",
		args: {
			store: NFS,
			path: "vol-2.qcow2",
			sizeBytes: 2 ** 31,
			attachedTo: { hostId: HOST, name: "i-1-VM", target: "vdb" },
		},
	},
	{
		...command,
		name: "volume.copy",
		args: { source: { store: NFS, path: "vol-1.qcow2" }, target: { store: NFS, path: "snapshots/a/v/s.qcow2" } },
	},
	{ ...command, name: "vm.start", args: { hostId: HOST, domain: DOMAIN_SPEC } },
	{ ...command, name: "vm.stop", args: { hostId: HOST, name: "i-1-VM", graceMs: 30_000 } },
	{ ...command, name: "vm.reboot", args: { hostId: HOST, name: "i-1-VM" } },
	{ ...command, name: "vm.migrate", args: { hostId: HOST, name: "i-1-VM", targetHostId: POOL } },
	{ ...command, name: "vm.attachDisk", args: { hostId: HOST, name: "i-1-VM", disk: DATA_DISK } },
	{ ...command, name: "vm.detachDisk", args: { hostId: HOST, name: "i-1-VM", target: "vdb" } },
	{ type: "pong", v: 1 },
	{ type: "close", v: 1, reason: "revoked", text: "agent deleted by admin" },
	{ type: "close", v: 1, reason: "replaced", text: "" },
	{ type: "close", v: 1, reason: "protocol", text: "protocol version 2" },
];

/** Parses `value` (a frame object, or text as is) and expects a refusal for `reason`. */
function expectRefused(value: unknown, direction: Direction, reason: FrameErrorReason, message?: RegExp) {
	const text = typeof value === "string" ? value : JSON.stringify(value);
	const parsed = parseFrame(text, direction);
	expect(parsed.ok, text.slice(0, 200)).toBe(false);
	if (parsed.ok) return;
	expect(parsed.error.reason, parsed.error.message).toBe(reason);
	expect(parsed.error.message.length).toBeGreaterThan(0);
	expect(parsed.error.message.length).toBeLessThanOrEqual(600);
	if (message) expect(parsed.error.message).toMatch(message);
	return parsed.error;
}

/** A small seeded generator, so a fuzz failure can be replayed. */
function useRandom(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

describe("frames", () => {
	it("round-trips every agent → worker frame", () => {
		const types = new Set<string>();
		for (const frame of toWorker) {
			const parsed = parseFrame(encodeFrame(frame), "toWorker");
			expect(parsed).toEqual({ ok: true, frame });
			types.add(frame.type);
		}
		expect([...types].sort()).toEqual(["answer", "event", "hello", "ping", "progress"]);
	});

	it("round-trips every worker → agent frame, one command frame per command name", () => {
		const types = new Set<string>();
		for (const frame of toAgent) {
			const parsed = parseFrame(encodeFrame(frame), "toAgent");
			expect(parsed).toEqual({ ok: true, frame });
			types.add(frame.type);
		}
		expect([...types].sort()).toEqual(["close", "command", "pong", "ready"]);
		const names = toAgent.flatMap((frame) => (frame.type === "command" ? [frame.name] : []));
		expect(names.sort()).toEqual(Object.keys(COMMANDS).sort());
	});

	it("narrows a command's args by its name", () => {
		const parsed = parseFrame(encodeFrame(command), "toAgent");
		if (!parsed.ok || parsed.frame.type !== "command" || parsed.frame.name !== "host.connect") {
			throw new Error("expected a host.connect command");
		}
		expect(parsed.frame.args.uri).toBe("qemu+ssh://root@kvm1/system");
	});

	it("drops unknown fields instead of refusing them", () => {
		const parsed = parseFrame(JSON.stringify({ type: "ping", v: 1, extra: "later field" }), "toWorker");
		expect(parsed).toEqual({ ok: true, frame: { type: "ping", v: 1 } });
		const polluting = parseFrame('{"type":"ping","v":1,"__proto__":{"polluted":true}}', "toWorker");
		expect(polluting).toEqual({ ok: true, frame: { type: "ping", v: 1 } });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it("encodes heartbeats as fixed text", () => {
		expect(encodeFrame({ type: "pong", v: 1 })).toBe('{"type":"pong","v":1}');
		expect(encodeFrame({ type: "ping", v: 1 })).toBe('{"type":"ping","v":1}');
	});

	it("treats only a revoked close as fatal", () => {
		expect(isFatalClose("revoked")).toBe(true);
		expect(isFatalClose("replaced")).toBe(false);
		expect(isFatalClose("protocol")).toBe(false);
	});
});

describe("parseFrame refusals", () => {
	it("refuses a version of the wrong type, and another version as such", () => {
		expectRefused({ ...hello, v: "1" }, "toWorker", "invalid", /^v: /);
		expectRefused({ type: "ping" }, "toWorker", "invalid", /^v: /);
		expectRefused({ ...hello, v: 2 }, "toWorker", "version", /protocol version 2/);
		expectRefused({ type: "pong", v: 1.5 }, "toAgent", "version");
	});

	it("refuses missing fields, naming them", () => {
		const { hosts: _hosts, ...noHosts } = hello;
		expectRefused(noHosts, "toWorker", "invalid", /hosts/);
		expectRefused({ type: "answer", v: 1, id: CMD, ok: true }, "toWorker", "invalid", /result/);
		expectRefused({ type: "answer", v: 1, id: CMD }, "toWorker", "invalid", /ok/);
		expectRefused({ ...command, deadline: undefined }, "toAgent", "invalid", /deadline/);
		expectRefused({ ...command, args: { hostId: HOST } }, "toAgent", "invalid", /args\.uri/);
		expectRefused({ v: 1 }, "toWorker", "invalid", /^type: /);
	});

	it("refuses unknown types and frames going the wrong way", () => {
		expectRefused({ type: "shutdown", v: 1 }, "toWorker", "unknown_type", /"shutdown"/);
		expectRefused({ type: "hello", v: 1 }, "toAgent", "wrong_direction");
		expectRefused(command, "toWorker", "wrong_direction", /"command" is not a toWorker frame/);
		expectRefused({ type: "pong", v: 1 }, "toWorker", "wrong_direction");
		expectRefused({ type: "x".repeat(10_000), v: 1 }, "toWorker", "unknown_type");
	});

	it("refuses bad uuids", () => {
		expectRefused({ ...command, id: "not-a-uuid" }, "toAgent", "invalid", /^command: id: /);
		expectRefused({ ...hello, agentId: `${AGENT}0` }, "toWorker", "invalid", /agentId/);
		expectRefused({ ...hello, hosts: [{ ...host, id: "" }] }, "toWorker", "invalid", /hosts\.0\.id/);
		expectRefused({ ...hello, recentCommandIds: ["zz"] }, "toWorker", "invalid", /recentCommandIds\.0/);
	});

	it("refuses negative, fractional and unsafe sizes", () => {
		expectRefused({ ...hello, hosts: [{ ...host, memoryBytes: -1 }] }, "toWorker", "invalid", /memoryBytes/);
		expectRefused({ ...hello, hosts: [{ ...host, cpuMhz: 2.5 }] }, "toWorker", "invalid", /cpuMhz/);
		expectRefused({ ...hello, hosts: [{ ...host, cpuCount: 2 ** 60 }] }, "toWorker", "invalid", /cpuCount/);
		const pool = { type: "event", v: 1, at: NOW, kind: "pool.capacity", poolId: POOL, capacityBytes: 1 };
		expectRefused({ ...pool, usedBytes: -5 }, "toWorker", "invalid", /usedBytes/);
		expectRefused({ type: "progress", v: 1, id: CMD, percent: 101, text: "" }, "toWorker", "invalid", /percent/);
	});

	it("refuses values outside the closed lists and bounds", () => {
		expectRefused({ ...command, name: "vm.nosuch" }, "toAgent", "invalid", /name/);
		expectRefused({ type: "close", v: 1, reason: "bored", text: "" }, "toAgent", "invalid", /reason/);
		expectRefused(
			{ type: "ready", v: 1, sessionId: SESSION, role: "active", heartbeatMs: 5001, serverTime: NOW },
			"toAgent",
			"invalid",
		);
		expectRefused({ ...hello, agentVersion: "1".repeat(65) }, "toWorker", "invalid", /agentVersion/);
		expectRefused({ ...hello, hosts: [{ ...host, uri: "http://kvm1/" }] }, "toWorker", "invalid", /uri/);
		expectRefused({ ...command, args: { hostId: HOST, uri: "qemu+ssh://a b/system" } }, "toAgent", "invalid");
		const badCode = { type: "answer", v: 1, id: CMD, ok: false, error: { code: "oops", text: "x" } };
		expectRefused(badCode, "toWorker", "invalid", /error\.code/);
	});

	it("keeps a valid id on a refused command, so the agent can answer it", () => {
		const error = expectRefused({ ...command, name: "vm.nosuch" }, "toAgent", "invalid");
		expect(error?.id).toBe(CMD);
		expect(expectRefused({ ...command, id: "nope", name: "vm.nosuch" }, "toAgent", "invalid")?.id).toBeUndefined();
	});

	it("refuses oversized input before parsing it", () => {
		expectRefused(" ".repeat(MAX_FRAME_BYTES + 1), "toWorker", "too_large");
		// Under the limit in UTF-16 units, over it in UTF-8 bytes.
		const wide = JSON.stringify({ type: "ping", v: 1, pad: "é".repeat(MAX_FRAME_BYTES / 2 + 1) });
		expect(wide.length).toBeLessThan(MAX_FRAME_BYTES);
		expectRefused(wide, "toWorker", "too_large");
		const fits = JSON.stringify({ type: "ping", v: 1, pad: "é".repeat(MAX_FRAME_BYTES / 2 - 100) });
		expect(parseFrame(fits, "toWorker").ok).toBe(true);
	});

	it("refuses non-JSON, non-objects and deep nesting", () => {
		for (const text of ["", "{", "ping", "{'type':'pong'}", '{"type":"ping","v":1}x']) {
			expectRefused(text, "toWorker", "not_json");
		}
		for (const text of ["null", "1", '"ping"', "[]", '[{"type":"ping","v":1}]']) {
			expectRefused(text, "toWorker", "invalid", /not a JSON object/);
		}
		const deep = `{"type":"answer","v":1,"id":"${CMD}","ok":true,"result":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
		expectRefused(deep, "toWorker", "too_deep");
		const notText = parseFrame(undefined as unknown as string, "toWorker");
		expect(notText).toEqual({ ok: false, error: { reason: "not_text", message: "frame is not text" } });
	});

	it("never throws on garbage", () => {
		const random = useRandom(4);
		const valid = [...toWorker, ...toAgent].map((frame) => encodeFrame(frame));
		const alphabet = '{}[]":,01-.eEtrufalsn\\ \u0000\u00e9\ud800type v';
		const decoder = new TextDecoder();
		const oddValues = [null, -1, 0, 1.5, 2 ** 60, "", "x".repeat(5000), [], {}, [[[]]], { type: "hello" }, true, CMD];
		for (let round = 0; round < 3000; round++) {
			let text: string;
			const pick = round % 4;
			if (pick === 0) {
				const bytes = new Uint8Array(Math.floor(random() * 300));
				for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
				text = decoder.decode(bytes);
			} else if (pick === 1) {
				text = Array.from(
					{ length: Math.floor(random() * 80) },
					() => alphabet[Math.floor(random() * alphabet.length)],
				).join("");
			} else if (pick === 2) {
				// A valid frame with one field swapped for an odd value.
				const frames = [...toWorker, ...toAgent];
				const frame: Record<string, unknown> = { ...frames[Math.floor(random() * frames.length)] };
				const keys = Object.keys(frame);
				const key = keys[Math.floor(random() * keys.length)] ?? "type";
				frame[key] = oddValues[Math.floor(random() * oddValues.length)];
				text = JSON.stringify(frame);
			} else {
				// A valid frame with a few characters replaced, cut or repeated.
				const source = valid[Math.floor(random() * valid.length)] ?? "";
				const at = Math.floor(random() * source.length);
				const char = alphabet[Math.floor(random() * alphabet.length)] ?? "";
				const mutations = [source.slice(0, at) + char + source.slice(at + 1), source.slice(0, at), source + source];
				text = mutations[Math.floor(random() * mutations.length)] ?? "";
			}
			for (const direction of ["toWorker", "toAgent"] as const) {
				const parsed = parseFrame(text, direction);
				expect(typeof parsed.ok).toBe("boolean");
				if (!parsed.ok) expect(parsed.error.message.length).toBeGreaterThan(0);
			}
		}
	});
});

describe("encodeFrame", () => {
	it("throws for a frame the peer would refuse as too large", () => {
		const huge = { ...hello, agentVersion: "x", hosts: Array.from({ length: 20_000 }, () => host) };
		expect(() => encodeFrame(huge)).toThrow(RangeError);
	});
});

describe("parseCommandResult", () => {
	it("checks a result against the command it answers", () => {
		expect(parseCommandResult("host.connect", host)).toEqual({ ok: true, result: host });
		expect(parseCommandResult("host.disconnect", {})).toEqual({ ok: true, result: {} });
		const bad = parseCommandResult("host.refresh", { ...host, cpuCount: -1 });
		expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^bad host\.refresh result: cpuCount/) });
	});

	it("has a result schema for every command name", () => {
		for (const name of Object.keys(COMMANDS) as CommandName[]) {
			expect(COMMANDS[name].result.safeParse(undefined).success).toBe(false);
		}
	});
});
