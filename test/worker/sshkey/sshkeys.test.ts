/**
 * SSH key pairs: createSSHKeyPair (RSA 2048 from WebCrypto, private key shown once and never
 * stored), registerSSHKeyPair (OpenSSH keys checked and fingerprinted exactly as ssh-keygen
 * -E md5 does), listSSHKeyPairs filters and scoping, deleteSSHKeyPair, events, and refusals
 * that write nothing.
 */
import { env } from "cloudflare:workers";
import { and, count, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { events, sshKeyPairs } from "../../../worker/src/db/schema";
import { fromBase64 } from "../../../worker/src/lib/ids";
import type { ApiResult, Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	call,
	createActor,
	expectDenied,
	expectNotAvailable,
	expectParamError,
	listItems,
	ok,
	unique,
	type World,
} from "../../helpers/identity-fixtures";
import { bare, derIntegers, KEYS, rsaBlobNumbers, wireBlob } from "./key-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
let world: World;

function register(actor: Actor, publickey: string, params: Params = {}): Promise<ApiResult> {
	return call(actor, { command: "registerSSHKeyPair", name: unique("reg-"), publickey, ...params });
}

function create(actor: Actor, params: Params = {}): Promise<ApiResult> {
	return call(actor, { command: "createSSHKeyPair", name: unique("gen-"), ...params });
}

async function keyPairCount(): Promise<number> {
	return (await db.select({ n: count() }).from(sshKeyPairs).get())?.n ?? 0;
}

async function keyEventCount(): Promise<number> {
	return (await db.select({ n: count() }).from(events).where(like(events.type, "%.SSH.KEYPAIR")).get())?.n ?? 0;
}

/** Runs a refused call and proves that neither a key pair nor an event was written. */
async function refusedWithoutWrites(run: () => Promise<ApiResult>): Promise<ApiResult> {
	const [pairsBefore, eventsBefore] = [await keyPairCount(), await keyEventCount()];
	const result = await run();
	expect(await keyPairCount()).toBe(pairsBefore);
	expect(await keyEventCount()).toBe(eventsBefore);
	return result;
}

beforeAll(async () => {
	world = await buildWorld();
});

describe("createSSHKeyPair", () => {
	it("makes an RSA 2048 pair: the PKCS#1 private key once, only the public key kept", async () => {
		const name = unique("mykey-");
		const pair: Obj = ok(await create(world.alice, { name }), "createSSHKeyPair").keypair;
		expect(pair).toMatchObject({
			name,
			account: "alice",
			domainid: world.d1,
			domain: "d1",
			hasannotations: false,
		});
		expect(pair.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(pair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
		expect(pair.privatekey).toMatch(
			/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----\n$/,
		);

		const row = await db.select().from(sshKeyPairs).where(eq(sshKeyPairs.id, pair.id)).get();
		expect(row?.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+$/);
		expect(JSON.stringify(row)).not.toContain("PRIVATE");

		// The private key belongs to the stored public key: PKCS#1 (version, n, e, …) vs the blob's (e, n).
		const der = fromBase64(pair.privatekey.replace(/-----[A-Z ]+-----|\n/g, ""));
		const [version, n, e] = derIntegers(der);
		const [blobE, blobN] = rsaBlobNumbers(row?.publicKey.split(" ")[1] ?? "");
		expect(version).toBe("00");
		expect(e).toBe("010001");
		expect(blobE).toBe(e);
		expect(blobN).toBe(n);
		expect((n ?? "").replace(/^00/, "").length).toBe(512); // 2048 bits

		// The fingerprint is ssh-keygen's MD5 over the blob: registering the same public key elsewhere agrees.
		const again: Obj = ok(await register(world.bob, row?.publicKey ?? ""), "registerSSHKeyPair").keypair;
		expect(again.fingerprint).toBe(pair.fingerprint);

		const [event] = await listItems(world.alice, "listEvents", "event", { type: "CREATE.SSH.KEYPAIR" });
		expect(event).toMatchObject({ type: "CREATE.SSH.KEYPAIR", account: "alice" });
	});

	it("refuses a name the account already has (431), allows it in another account", async () => {
		const name = unique("dup-");
		ok(await create(world.alice, { name }), "createSSHKeyPair");
		const again = await refusedWithoutWrites(() => create(world.alice, { name }));
		expectParamError(again, "createSSHKeyPair", /A key pair with name '.*' already exists/);
		ok(await create(world.bob, { name }), "createSSHKeyPair");
		// registerSSHKeyPair shares the namespace.
		const reg = await refusedWithoutWrites(() => register(world.alice, KEYS.ed25519.line, { name }));
		expectParamError(reg, "registerSSHKeyPair", /already exists/);
	});

	it("refuses empty names, commas and projects", async () => {
		for (const params of <Params[]>[{ name: "   " }, { name: "a,b" }, { projectid: crypto.randomUUID() }]) {
			expectParamError(await refusedWithoutWrites(() => create(world.alice, params)), "createSSHKeyPair");
		}
	});

	it("lets an admin create for an account it manages, not for others", async () => {
		const name = unique("for-alice-");
		const pair: Obj = ok(
			await create(world.domainAdmin, { name, account: "alice", domainid: world.d1 }),
			"createSSHKeyPair",
		).keypair;
		expect(pair.account).toBe("alice");
		expectDenied(
			await refusedWithoutWrites(() => create(world.domainAdmin, { account: "carol", domainid: world.d2 })),
			"createSSHKeyPair",
		);
		expectDenied(
			await refusedWithoutWrites(() => create(world.alice, { account: "bob", domainid: world.d1 })),
			"createSSHKeyPair",
		);
		expectParamError(await create(world.root, { account: "alice" }), "createSSHKeyPair", /together/);
	});

	it("is described by listApis with the private key field", async () => {
		const [api] = ok(await call(world.alice, { command: "listApis", name: "createSSHKeyPair" }), "listApis").api;
		expect(api.params.map((p: Obj) => p.name).sort()).toEqual(["account", "domainid", "name", "projectid"]);
		expect(api.response.map((r: Obj) => r.name)).toEqual(expect.arrayContaining(["privatekey", "fingerprint", "name"]));
	});

	it("is not available to read-only admins", async () => {
		expectNotAvailable(await create(world.readOnly), "createSSHKeyPair", world.readOnly);
	});
});

describe("registerSSHKeyPair", () => {
	it("stores RSA, ECDSA and Ed25519 keys with ssh-keygen's MD5 fingerprints, comment dropped", async () => {
		const owner = await freshActor();
		for (const key of Object.values(KEYS)) {
			const pair: Obj = ok(await register(owner, key.line), "registerSSHKeyPair").keypair;
			expect(pair.fingerprint).toBe(key.md5);
			expect(pair.privatekey).toBeUndefined();
			const row = await db.select().from(sshKeyPairs).where(eq(sshKeyPairs.id, pair.id)).get();
			expect(row?.publicKey).toBe(bare(key.line));
		}
		const [event] = await listItems(owner, "listEvents", "event", { type: "REGISTER.SSH.KEYPAIR" });
		expect(event?.type).toBe("REGISTER.SSH.KEYPAIR");
	});

	it("accepts surrounding whitespace and, as CloudStack does, the whole line Base64-encoded", async () => {
		const owner = await freshActor();
		ok(await register(owner, `\n  ${KEYS.ed25519.line}  \n`), "registerSSHKeyPair");
		const encoded = btoa(KEYS.rsa2048.line);
		const pair: Obj = ok(await register(owner, encoded), "registerSSHKeyPair").keypair;
		expect(pair.fingerprint).toBe(KEYS.rsa2048.md5);
	});

	it("refuses the same public key twice in one account", async () => {
		const owner = await freshActor();
		ok(await register(owner, KEYS.ecdsa256.line), "registerSSHKeyPair");
		const again = await refusedWithoutWrites(() => register(owner, bare(KEYS.ecdsa256.line)));
		expectParamError(again, "registerSSHKeyPair", /same public key/);
	});

	it("refuses anything that is not a well-formed supported key (431 Public key is invalid)", async () => {
		const ed25519Blob = KEYS.ed25519.line.split(" ")[1] ?? "";
		const rsaBlob = KEYS.rsa2048.line.split(" ")[1] ?? "";
		const small = new Uint8Array(96).fill(0x5a);
		const bad = [
			"not a key",
			"ssh-rsa",
			"ssh-foo AAAAB3NzaC1yc2EAAAADAQABAAABAQDK",
			`ssh-rsa ${ed25519Blob}`, // the blob says ssh-ed25519
			`ssh-rsa ${rsaBlob.slice(0, 100)}`, // truncated
			`ssh-rsa ${rsaBlob}AAAA`, // trailing bytes
			`ssh-rsa ${rsaBlob.replace("AAAB3", "AA*B3")}`, // not Base64
			`ssh-rsa ${wireBlob(["ssh-rsa", new Uint8Array([1, 0, 1]), small])}`, // 768-bit modulus
			`ssh-ed25519 ${wireBlob(["ssh-ed25519", new Uint8Array(31)])}`,
			`ecdsa-sha2-nistp256 ${wireBlob(["ecdsa-sha2-nistp256", "nistp384", new Uint8Array(65).fill(4)])}`,
			"-----BEGIN RSA PRIVATE KEY-----",
			btoa("garbage without spaces"),
		];
		for (const publickey of bad) {
			const result = await refusedWithoutWrites(() => register(world.alice, publickey));
			expectParamError(result, "registerSSHKeyPair", /^Public key is invalid$/);
		}
	});
});

describe("listSSHKeyPairs", () => {
	let owner: Actor;
	let ids: Record<string, Obj>;

	beforeAll(async () => {
		owner = await freshActor();
		ids = {};
		for (const [name, key] of [
			["web_1", KEYS.ed25519],
			["web%2", KEYS.ecdsa256],
			["db", KEYS.rsa2048],
		] as const) {
			ids[name] = ok(await register(owner, key.line, { name }), "registerSSHKeyPair").keypair;
		}
	});

	const names = (items: Obj[]) => items.map((i) => i.name);

	it("lists the account's own pairs by name, with filters", async () => {
		const all = await listItems(owner, "listSSHKeyPairs", "sshkeypair");
		expect(names(all)).toEqual(["db", "web%2", "web_1"]);
		expect(all[0]).toMatchObject({ account: owner.accountName, domainid: world.d1, domain: "d1" });
		expect(all[0].fingerprint).toBe(KEYS.rsa2048.md5);
		expect(JSON.stringify(all)).not.toMatch(/ssh-|PRIVATE|publickey/i);
		expect(names(await listItems(owner, "listSSHKeyPairs", "sshkeypair", { name: "db" }))).toEqual(["db"]);
		expect(
			names(await listItems(owner, "listSSHKeyPairs", "sshkeypair", { fingerprint: KEYS.ed25519.md5.toUpperCase() })),
		).toEqual(["web_1"]);
		expect(names(await listItems(owner, "listSSHKeyPairs", "sshkeypair", { keyword: "WEB" }))).toEqual([
			"web%2",
			"web_1",
		]);
		// `%` and `_` in a keyword match only themselves.
		expect(names(await listItems(owner, "listSSHKeyPairs", "sshkeypair", { keyword: "b%" }))).toEqual(["web%2"]);
		expect(names(await listItems(owner, "listSSHKeyPairs", "sshkeypair", { id: ids.db.id }))).toEqual(["db"]);
		const page = ok(await call(owner, { command: "listSSHKeyPairs", page: "2", pagesize: "2" }), "listSSHKeyPairs");
		expect(page.count).toBe(3);
		expect(names(page.sshkeypair)).toEqual(["web_1"]);
	});

	it("scopes: users see only their own, admins their own by default and their subtree with listall", async () => {
		expect(await listItems(world.carol, "listSSHKeyPairs", "sshkeypair", { id: ids.db.id })).toEqual([]);
		const rootOwn = await listItems(world.root, "listSSHKeyPairs", "sshkeypair");
		expect(rootOwn.every((i: Obj) => i.account === "admin")).toBe(true);
		const viaAdmin = await listItems(world.domainAdmin, "listSSHKeyPairs", "sshkeypair", {
			domainid: world.d1,
			account: owner.accountName,
		});
		expect(names(viaAdmin)).toEqual(["db", "web%2", "web_1"]);
		const rootAll = await listItems(world.root, "listSSHKeyPairs", "sshkeypair", { listall: "true", name: "db" });
		expect(rootAll.map((i: Obj) => i.id)).toContain(ids.db.id);
		const carolKey = ok(await register(world.carol, KEYS.ecdsa521.line), "registerSSHKeyPair").keypair;
		const d1All = await listItems(world.domainAdmin, "listSSHKeyPairs", "sshkeypair", { listall: "true" });
		expect(d1All.map((i: Obj) => i.id)).toContain(ids.db.id);
		expect(d1All.map((i: Obj) => i.id)).not.toContain(carolKey.id);
		expectDenied(await call(world.domainAdmin, { command: "listSSHKeyPairs", domainid: world.d2 }), "listSSHKeyPairs");
		// Read-only admins may list.
		const ro = await listItems(world.readOnly, "listSSHKeyPairs", "sshkeypair", { listall: "true" });
		expect(ro.map((i: Obj) => i.id)).toContain(carolKey.id);
	});
});

describe("deleteSSHKeyPair", () => {
	it("deletes an own pair by name, with an event; a second delete is 431", async () => {
		const owner = await freshActor();
		const name = unique("gone-");
		const pair: Obj = ok(await register(owner, KEYS.ed25519.line, { name }), "registerSSHKeyPair").keypair;
		expect(ok(await call(owner, { command: "deleteSSHKeyPair", name }), "deleteSSHKeyPair").success).toBe(true);
		expect(await db.select().from(sshKeyPairs).where(eq(sshKeyPairs.id, pair.id)).get()).toBeUndefined();
		const deleted = await db
			.select()
			.from(events)
			.where(and(eq(events.type, "DELETE.SSH.KEYPAIR"), eq(events.resourceId, pair.id)))
			.all();
		expect(deleted).toHaveLength(1);
		expectParamError(
			await refusedWithoutWrites(() => call(owner, { command: "deleteSSHKeyPair", name })),
			"deleteSSHKeyPair",
			new RegExp(`A key pair with name '${name}' does not exist for account ${owner.accountName}`),
		);
	});

	it("lets an admin delete a managed account's pair; others are refused and nothing changes", async () => {
		const name = unique("managed-");
		ok(await register(world.bob, KEYS.ecdsa256.line, { name }), "registerSSHKeyPair");
		const asAlice = await refusedWithoutWrites(() =>
			call(world.alice, { command: "deleteSSHKeyPair", name, account: "bob", domainid: world.d1 }),
		);
		expectDenied(asAlice, "deleteSSHKeyPair");
		// Without account/domainid alice addresses her own account, where there is no such pair.
		expectParamError(await call(world.alice, { command: "deleteSSHKeyPair", name }), "deleteSSHKeyPair");
		const asCarolAdmin = await refusedWithoutWrites(() =>
			call(world.domainAdmin, { command: "deleteSSHKeyPair", name, account: "carol", domainid: world.d2 }),
		);
		expectDenied(asCarolAdmin, "deleteSSHKeyPair");
		ok(
			await call(world.domainAdmin, { command: "deleteSSHKeyPair", name, account: "bob", domainid: world.d1 }),
			"deleteSSHKeyPair",
		);
		expect(await listItems(world.bob, "listSSHKeyPairs", "sshkeypair", { name })).toEqual([]);
	});
});

let actorCount = 0;
/** A fresh user account in d1, so tests that count or list keys do not see each other's. */
async function freshActor(): Promise<Actor> {
	actorCount += 1;
	return createActor(world, world.d1, { accounttype: "0", username: `keyuser${actorCount}` });
}
