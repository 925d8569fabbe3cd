/**
 * Template commands with a relay agent in the zone (the fake agent over a real WebSocket to the
 * zone's ZoneRelay): registerTemplate sends template.download with the parsed checksum, the store
 * and the limits, and listTemplates then shows what the agent answered (Ready with sizes, or its
 * error text); prepareTemplate sends template.prepare; deleteTemplate sends store.remove.
 */
import type { CommandFrame } from "@flarestack/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Params } from "../../helpers/api";
import {
	defaultAnswer,
	FAKE_IMAGE_PHYSICAL,
	FAKE_IMAGE_SIZE,
	type FakeAgent,
	startFakeAgent,
} from "../../helpers/fake-agent";
import { buildWorld, call, listItems, ok, runJob, unique, type World } from "../../helpers/identity-fixtures";
import { createTree } from "../../helpers/inventory-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

let world: World;
let tree: Obj;
let agent: FakeAgent;

beforeAll(async () => {
	world = await buildWorld();
	tree = await createTree(world);
	ok(
		await call(world.root, {
			command: "addImageStore",
			provider: "NFS",
			url: "nfs://10.1.1.5/export/secondary",
			zoneid: tree.zone.id,
		}),
		"addImageStore",
	);
	agent = await startFakeAgent(tree.zone);
});

afterAll(() => agent.close());

beforeEach(() => {
	agent.onCommand = defaultAnswer;
});

async function register(extra: Params = {}): Promise<Obj> {
	const body = ok(
		await call(world.alice, {
			command: "registerTemplate",
			name: unique("tmpl-"),
			url: "http://images.example.com/ubuntu.qcow2",
			format: "QCOW2",
			hypervisor: "KVM",
			zoneid: tree.zone.id,
			...extra,
		}),
		"registerTemplate",
	);
	return body.template[0];
}

async function shown(id: string): Promise<Obj> {
	const [t] = await listItems(world.alice, "listTemplates", "template", { templatefilter: "self", id });
	return t;
}

/** Polls listTemplates until `done` holds (the DO applies the answer after the call returned). */
async function until(id: string, done: (t: Obj) => boolean, timeoutMs = 5000): Promise<Obj> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const t = await shown(id);
		if (done(t)) return t;
		if (Date.now() > end) throw new Error(`template ${id} never got there: ${JSON.stringify(t)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** The first command `name` the agent received that names `templateId` in its arguments. */
async function commandFor(name: string, templateId: string): Promise<CommandFrame> {
	const frame = await agent.waitFor(
		(f) => f.type === "command" && (f.name as string) === name && JSON.stringify(f.args).includes(templateId),
		{ timeoutMs: 5000 },
	);
	return frame as CommandFrame;
}

describe("registerTemplate with an agent", () => {
	it("sends template.download with the parsed checksum, store, path and limits; then shows Ready with sizes", async () => {
		const t = await register({ checksum: `{SHA-256}${SHA256.toUpperCase()}` });
		const frame = await commandFor("template.download", t.id);
		expect(frame.args).toMatchObject({
			templateId: t.id,
			url: "http://images.example.com/ubuntu.qcow2",
			format: "QCOW2",
			checksum: { algorithm: "sha256", hex: SHA256 },
			store: { kind: "nfs", server: "10.1.1.5", path: "/export/secondary" },
			path: `template/tmpl/${world.alice.accountId}/${t.id}/${t.id}.qcow2`,
			limits: { maxRedirects: 5, attempts: 3, maxBytes: 50 * 1024 ** 3 },
		});
		const ready = await until(t.id, (x) => x.isready === true);
		expect(ready).toMatchObject({
			status: "Download Complete",
			size: FAKE_IMAGE_SIZE,
			physicalsize: FAKE_IMAGE_PHYSICAL,
		});
	});

	it("shows the agent's error text as the status when the download fails", async () => {
		agent.onCommand = (frame, a) =>
			(frame.name as string) === "template.download"
				? { ok: false, error: { code: "failed", text: "checksum mismatch: expected sha256 ab…, got cd…" } }
				: defaultAnswer(frame, a);
		const t = await register();
		const failed = await until(t.id, (x) => !/^Waiting/.test(x.status) && !/Downloaded/.test(x.status));
		expect(failed).toMatchObject({ isready: false, status: "checksum mismatch: expected sha256 ab…, got cd…" });
	});
});

describe("prepareTemplate and deleteTemplate with an agent", () => {
	it("prepareTemplate copies a ready template onto the zone's Up pool through template.prepare", async () => {
		const pool = ok(
			await call(world.root, {
				command: "createStoragePool",
				name: unique("pool-"),
				url: "nfs://10.1.1.6/export/primary",
				zoneid: tree.zone.id,
				podid: tree.pod.id,
				clusterid: tree.cluster.id,
			}),
			"createStoragePool",
		).storagepool;
		const t = await register();
		await until(t.id, (x) => x.isready === true);
		ok(
			await call(world.root, {
				command: "prepareTemplate",
				templateid: t.id,
				zoneid: tree.zone.id,
				storageid: pool.id,
			}),
			"prepareTemplate",
		);
		const frame = await commandFor("template.prepare", t.id);
		expect(frame.args).toMatchObject({
			templateId: t.id,
			pool: { kind: "nfs", server: "10.1.1.6", path: "/export/primary" },
			path: `template-${t.id}.qcow2`,
		});
	});

	it("deleteTemplate asks the agent to remove the template's directory on secondary storage", async () => {
		const t = await register();
		await until(t.id, (x) => x.isready === true);
		await runJob(world.alice, { command: "deleteTemplate", id: t.id });
		const frame = await agent.waitFor(
			(f) =>
				f.type === "command" &&
				(f.name as string) === "store.remove" &&
				JSON.stringify(f.args).includes(`template/tmpl/${world.alice.accountId}/${t.id}`),
			{ timeoutMs: 5000 },
		);
		expect(frame).toBeDefined();
	});
});

describe("copyTemplate with an agent", () => {
	it("has the destination zone's agent download from the URL with the same checksum", async () => {
		const other = await createTree(world);
		ok(
			await call(world.root, {
				command: "addImageStore",
				provider: "NFS",
				url: "nfs://10.2.1.5/export/secondary",
				zoneid: other.zone.id,
			}),
			"addImageStore",
		);
		const second = await startFakeAgent(other.zone);
		try {
			const t = await register({ checksum: `{SHA-1}${"ab".repeat(20)}` });
			await until(t.id, (x) => x.isready === true);
			await runJob(world.alice, { command: "copyTemplate", id: t.id, destzoneid: other.zone.id });
			const frame = await second.waitFor(
				(f) =>
					f.type === "command" && (f.name as string) === "template.download" && JSON.stringify(f.args).includes(t.id),
				{ timeoutMs: 5000 },
			);
			expect((frame as CommandFrame).args).toMatchObject({
				url: "http://images.example.com/ubuntu.qcow2",
				checksum: { algorithm: "sha1", hex: "ab".repeat(20) },
				store: { kind: "nfs", server: "10.2.1.5", path: "/export/secondary" },
			});
		} finally {
			second.close();
		}
	});
});
