/**
 * Webhooks (CloudStack 4.20): createWebhook listWebhooks updateWebhook deleteWebhook — happy
 * paths, refusals (nothing written), the scope rules per owner type, owners chosen by admins,
 * payload-URL egress checks, the secret never shown, events, and the five-role access matrix.
 */
import { env } from "cloudflare:workers";
import { count, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../worker/src/db/client";
import { events, webhookDeliveries, webhooks } from "../../../worker/src/db/schema";
import { createSecretBox } from "../../../worker/src/lib/crypto";
import type { ApiResult, Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type CommandMatrix,
	call,
	describeMatrix,
	expectDenied,
	expectParamError,
	listItems,
	ok,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
type Obj = any;

const db = createDb(env.DB);
const box = createSecretBox(env.SECRET_KEK);
let world: World;

function hookUrl(): string {
	return `https://${unique("h")}.example.com/hook`;
}

function create(actor: Actor, params: Params = {}): Promise<ApiResult> {
	return call(actor, { command: "createWebhook", name: unique("wh-"), payloadurl: hookUrl(), ...params });
}

async function createHook(actor: Actor, params: Params = {}): Promise<Obj> {
	return ok(await create(actor, params), "createWebhook").webhook;
}

function update(actor: Actor, id: string, params: Params): Promise<ApiResult> {
	return call(actor, { command: "updateWebhook", id, ...params });
}

async function stored(id: string) {
	return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

async function webhookCount(): Promise<number> {
	return (await db.select({ n: count() }).from(webhooks).get())?.n ?? 0;
}

async function webhookEventCount(): Promise<number> {
	return (await db.select({ n: count() }).from(events).where(like(events.type, "WEBHOOK.%")).get())?.n ?? 0;
}

async function eventsFor(type: string, resourceId: string): Promise<Obj[]> {
	return listItems(world.root, "listEvents", "event", { type, resourceid: resourceId, listall: "true" });
}

/** Runs a refused call and proves that neither a webhook nor an event was written. */
async function refusedWithoutWrites(run: () => Promise<ApiResult>): Promise<ApiResult> {
	const [hooksBefore, eventsBefore] = [await webhookCount(), await webhookEventCount()];
	const result = await run();
	expect(await webhookCount()).toBe(hooksBefore);
	expect(await webhookEventCount()).toBe(eventsBefore);
	return result;
}

async function setAllowedCidrs(value: string): Promise<void> {
	ok(
		await call(world.root, { command: "updateConfiguration", name: "webhook.payload.url.allowed.cidrs", value }),
		"updateConfiguration",
	);
}

beforeAll(async () => {
	world = await buildWorld();
});

describe("createWebhook", () => {
	it("creates a Local, Enabled webhook and answers CloudStack's webhook object without the secret", async () => {
		const payloadurl = hookUrl();
		const result = await create(world.alice, {
			name: "alice-hook",
			description: "deploys",
			payloadurl,
			secretkey: "s3cr3t-alice-key",
			eventtypes: "vm.create, VM.DESTROY,vm.create",
		});
		expect(Object.keys(result.body)).toEqual(["createwebhookresponse"]);
		const hook = ok(result, "createWebhook").webhook;
		expect(hook).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name: "alice-hook",
			description: "deploys",
			state: "Enabled",
			domainid: world.d1,
			domain: "d1",
			domainpath: "ROOT/d1",
			account: "alice",
			payloadurl,
			hassecretkey: true,
			sslverification: false,
			scope: "Local",
			eventtypes: "VM.CREATE,VM.DESTROY",
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
		});
		expect(result.text).not.toContain("s3cr3t-alice-key");
		expect(result.text).not.toContain('"secretkey"');
		const row = await stored(hook.id);
		expect(row?.accountId).toBe(world.alice.accountId);
		expect(row?.secretKeyEnc).toMatch(/^v1:/);
		expect(row?.secretKeyEnc).not.toContain("s3cr3t");
		expect(await box.open(row?.secretKeyEnc ?? "")).toBe("s3cr3t-alice-key");
	});

	it("writes WEBHOOK.CREATE owned by the webhook's account", async () => {
		const hook = await createHook(world.alice, { name: "evented" });
		const [event] = await eventsFor("WEBHOOK.CREATE", hook.id);
		expect(event).toMatchObject({
			type: "WEBHOOK.CREATE",
			level: "INFO",
			state: "Completed",
			account: "alice",
			username: "alice",
			domainid: world.d1,
			resourcetype: "Webhook",
			resourcename: "evented",
		});
		expect(event.description).toBe("Webhook evented created");
	});

	it("omits description, eventtypes and hassecretkey=false when none is given; sslverification for https", async () => {
		const hook = await createHook(world.bob, { payloadurl: "https://bob.example.com/x", sslverification: "true" });
		expect(hook.description).toBeUndefined();
		expect(hook.eventtypes).toBeUndefined();
		expect(hook.hassecretkey).toBe(false);
		expect(hook.sslverification).toBe(true);
		expect((await stored(hook.id))?.secretKeyEnc).toBeNull();
	});

	it("prepends http:// to a scheme-less URL and stores the normalised form", async () => {
		const hook = await createHook(world.bob, { payloadurl: "Receiver.Example.com:8080/in" });
		expect(hook.payloadurl).toBe("http://receiver.example.com:8080/in");
	});

	it("accepts state Disabled and letter-case variants of the enum values", async () => {
		const hook = await createHook(world.bob, { state: "disabled", scope: "LOCAL" });
		expect(hook.state).toBe("Disabled");
		expect(hook.scope).toBe("Local");
	});

	it("refuses a payload URL the owner already uses (after normalisation), but not another owner's", async () => {
		await createHook(world.alice, { payloadurl: "https://dup.example.com/hook" });
		const result = await refusedWithoutWrites(() =>
			create(world.alice, { payloadurl: "HTTPS://DUP.example.com/hook" }),
		);
		expectParamError(result, "createWebhook", /^Payload URL is already in use by another webhook$/);
		const other = await createHook(world.bob, { payloadurl: "https://dup.example.com/hook" });
		expect(other.account).toBe("bob");
	});

	it("refuses bad input with 431 and writes nothing", async () => {
		const cases: [Params, RegExp][] = [
			[{ name: "" }, /missing parameter name/],
			[{ name: "   " }, /missing parameter name/],
			[{ payloadurl: "" }, /missing parameter payloadurl/],
			[{ state: "Paused" }, /^Invalid state specified$/],
			[{ scope: "Planet" }, /^Invalid scope specified$/],
			[{ payloadurl: "ftp://example.com/" }, /Unsupported scheme/],
			[{ payloadurl: "http://127.0.0.1:8080/" }, /Illegal host specified in url: 127.0.0.1 is loopback/],
			[{ payloadurl: "http://169.254.169.254/latest/meta-data" }, /link-local/],
			[{ payloadurl: "http://10.0.0.5/" }, /private/],
			[{ payloadurl: "http://[::1]/" }, /loopback/],
			[{ payloadurl: "http://localhost:8787/" }, /internal name/],
			[{ payloadurl: "http://2130706433/" }, /four decimal octets/],
			[{ payloadurl: "http://0x7f.1/" }, /four decimal octets/],
			[{ payloadurl: "https://user:pw@example.com/" }, /user name or password/],
			[{ payloadurl: "http://plain.example.com/", sslverification: "true" }, /only for HTTPS URLs/],
			[{ eventtypes: "VM.CREATE,not valid!" }, /Invalid event type NOT VALID!/],
			[{ eventtypes: "VM.*.START" }, /Invalid event type VM\.\*\.START/],
			[{ payloadurl: `https://example.com/${"a".repeat(260)}` }, /max allowed length 255 for param: payloadurl/],
		];
		for (const [params, text] of cases) {
			const result = await refusedWithoutWrites(() => create(world.alice, params));
			expectParamError(result, "createWebhook", text);
		}
	});

	it("allows an internal receiver once webhook.payload.url.allowed.cidrs covers it", async () => {
		await setAllowedCidrs("127.0.0.1/32");
		try {
			const hook = await createHook(world.alice, { payloadurl: "localhost:8787/in" });
			expect(hook.payloadurl).toBe("http://localhost:8787/in");
			expectParamError(await create(world.alice, { payloadurl: "http://127.0.0.2/" }), "createWebhook", /loopback/);
		} finally {
			await setAllowedCidrs("");
		}
		expectParamError(await create(world.alice, { payloadurl: "http://127.0.0.1/x" }), "createWebhook", /loopback/);
	});

	describe("scope rules (by the owner's account type)", () => {
		const rows: [keyof World, string, "allowed" | 431][] = [
			["root", "Domain", "allowed"],
			["root", "Global", "allowed"],
			["domainAdmin", "Domain", "allowed"],
			["domainAdmin", "Global", 431],
			["resourceAdmin", "Domain", 431],
			["resourceAdmin", "Global", 431],
			["alice", "Domain", 431],
			["alice", "Global", 431],
		];
		for (const [who, scope, expected] of rows) {
			it(`${who} creating a ${scope} webhook → ${expected}`, async () => {
				const actor = world[who] as Actor;
				if (expected === "allowed") {
					expect((await createHook(actor, { scope })).scope).toBe(scope);
					return;
				}
				const result = await refusedWithoutWrites(() => create(actor, { scope }));
				expectParamError(
					result,
					"createWebhook",
					new RegExp(`^Scope ${scope} can not be specified for owner ${actor.accountName}$`),
				);
			});
		}

		it("judges the owner, not the caller: root creating a Domain webhook for alice → 431", async () => {
			const result = await refusedWithoutWrites(() =>
				create(world.root, { scope: "Domain", account: "alice", domainid: world.d1 }),
			);
			expectParamError(result, "createWebhook", /^Scope Domain can not be specified for owner alice$/);
		});
	});

	describe("owners chosen with account + domainid", () => {
		it("root creates a webhook for alice: alice owns it and its event", async () => {
			const hook = await createHook(world.root, { account: "alice", domainid: world.d1 });
			expect(hook).toMatchObject({ account: "alice", domainid: world.d1 });
			expect((await stored(hook.id))?.accountId).toBe(world.alice.accountId);
			const [event] = await eventsFor("WEBHOOK.CREATE", hook.id);
			expect(event).toMatchObject({ account: "alice", username: "admin" });
			const mine = await listItems(world.alice, "listWebhooks", "webhook", { id: hook.id });
			expect(mine.map((w) => w.id)).toEqual([hook.id]);
		});

		it("a domain admin creates one for a user in its subtree", async () => {
			const hook = await createHook(world.domainAdmin, { account: "bob", domainid: world.d1 });
			expect(hook.account).toBe("bob");
		});

		it("a user may name itself", async () => {
			const hook = await createHook(world.alice, { account: "alice", domainid: world.d1 });
			expect(hook.account).toBe("alice");
		});

		const denied: [keyof World, string, "d1" | "d2"][] = [
			["domainAdmin", "carol", "d2"],
			["domainAdmin", "radmin", "d1"],
			["resourceAdmin", "carol", "d2"],
			["alice", "bob", "d1"],
		];
		for (const [who, account, domain] of denied) {
			it(`${who} creating for ${account} → 531, nothing written`, async () => {
				const result = await refusedWithoutWrites(() =>
					create(world[who] as Actor, { account, domainid: world[domain] }),
				);
				expectDenied(result, "createWebhook");
			});
		}

		it("refuses account without domainid, and an unknown account", async () => {
			const alone = await refusedWithoutWrites(() => create(world.root, { account: "alice" }));
			expectParamError(alone, "createWebhook", /^AccountName and domainId must be specified together$/);
			const unknown = await refusedWithoutWrites(() => create(world.root, { account: "nobody", domainid: world.d1 }));
			expectParamError(unknown, "createWebhook", /Unable to find account nobody/);
		});
	});
});

describe("listWebhooks", () => {
	let aliceHook: Obj;
	let radminHook: Obj;
	let carolHook: Obj;
	let rootHook: Obj;
	let dadminHook: Obj;
	let subHook: Obj;

	beforeAll(async () => {
		aliceHook = await createHook(world.alice, {
			name: "list-alice",
			secretkey: "list-secret-1",
			description: "findme",
		});
		radminHook = await createHook(world.resourceAdmin, { name: "list-radmin", secretkey: "list-secret-2" });
		carolHook = await createHook(world.carol, { name: "list-carol", state: "Disabled" });
		rootHook = await createHook(world.root, { name: "list-root", scope: "Global" });
		dadminHook = await createHook(world.domainAdmin, { name: "list-dadmin", scope: "Domain" });
		const subUser = await (async () => {
			const r = await call(world.root, {
				command: "createAccount",
				username: "subuser",
				password: "pw-subuser",
				email: "s@example.com",
				firstname: "S",
				lastname: "U",
				domainid: world.sub,
				accounttype: "0",
			});
			return ok(r, "createAccount").account.name as string;
		})();
		subHook = await createHook(world.root, { name: "list-sub", account: subUser, domainid: world.sub });
	});

	const ids = (items: Obj[]) => items.map((w) => w.id);

	it("a user sees only its own account's webhooks, whatever it asks for", async () => {
		const mine = ids(await listItems(world.alice, "listWebhooks", "webhook", { listall: "true" }));
		expect(mine).toContain(aliceHook.id);
		for (const other of [radminHook, carolHook, rootHook, dadminHook, subHook]) expect(mine).not.toContain(other.id);
		expect(await listItems(world.bob, "listWebhooks", "webhook", { id: aliceHook.id })).toEqual([]);
	});

	it("an admin sees its own without listall (or an id), its subtree with listall", async () => {
		const own = await listItems(world.domainAdmin, "listWebhooks", "webhook");
		expect(ids(own)).toContain(dadminHook.id);
		expect(new Set(own.map((w) => w.account))).toEqual(new Set(["dadmin"]));
		const all = ids(await listItems(world.domainAdmin, "listWebhooks", "webhook", { listall: "true" }));
		for (const seen of [aliceHook, radminHook, dadminHook, subHook]) expect(all).toContain(seen.id);
		for (const unseen of [carolHook, rootHook]) expect(all).not.toContain(unseen.id);
		expect(ids(await listItems(world.domainAdmin, "listWebhooks", "webhook", { id: aliceHook.id }))).toEqual([
			aliceHook.id,
		]);
		expect(await listItems(world.domainAdmin, "listWebhooks", "webhook", { id: carolHook.id })).toEqual([]);
	});

	it("root and the read-only admin see everything with listall", async () => {
		for (const actor of [world.root, world.readOnly]) {
			const all = ids(await listItems(actor, "listWebhooks", "webhook", { listall: "true" }));
			for (const hook of [aliceHook, radminHook, carolHook, rootHook, dadminHook, subHook]) {
				expect(all).toContain(hook.id);
			}
		}
	});

	it("filters by domainid (+ isrecursive, + account), name, state, scope and keyword", async () => {
		const list = (params: Params) => listItems(world.root, "listWebhooks", "webhook", params).then(ids);
		const d1 = await list({ domainid: world.d1 });
		expect(d1).toContain(aliceHook.id);
		expect(d1).not.toContain(subHook.id);
		expect(await list({ domainid: world.d1, isrecursive: "true" })).toContain(subHook.id);
		expect(await list({ domainid: world.d1, account: "alice", name: "list-alice" })).toEqual([aliceHook.id]);
		expect(await list({ listall: "true", name: "list-carol" })).toEqual([carolHook.id]);
		const disabled = await list({ listall: "true", state: "Disabled" });
		expect(disabled).toContain(carolHook.id);
		expect(disabled).not.toContain(aliceHook.id);
		expect(await list({ listall: "true", scope: "Global", keyword: "list-" })).toEqual([rootHook.id]);
		expect(await list({ listall: "true", keyword: "findme" })).toEqual([aliceHook.id]);
	});

	it("pages with count = all matches", async () => {
		const body = ok(
			await call(world.root, { command: "listWebhooks", listall: "true", keyword: "list-", page: "2", pagesize: "4" }),
			"listWebhooks",
		);
		expect(body.count).toBe(6);
		expect(body.webhook).toHaveLength(2);
	});

	it("refuses bad filters and foreign domains", async () => {
		expectParamError(await call(world.root, { command: "listWebhooks", state: "On" }), "listWebhooks", /Invalid state/);
		expectParamError(await call(world.root, { command: "listWebhooks", scope: "x" }), "listWebhooks", /Invalid scope/);
		expectDenied(await call(world.domainAdmin, { command: "listWebhooks", domainid: world.d2 }), "listWebhooks");
	});

	it("answers CloudStack's empty list as {}", async () => {
		const result = await call(world.carol, { command: "listWebhooks", name: "nothing-like-this" });
		expect(result.body).toEqual({ listwebhooksresponse: {} });
	});

	it("never shows a secret key", async () => {
		for (const actor of [world.root, world.alice, world.domainAdmin, world.readOnly]) {
			const result = await call(actor, { command: "listWebhooks", listall: "true" });
			ok(result, "listWebhooks");
			expect(result.text).not.toContain("list-secret");
			expect(result.text).not.toContain('"secretkey"');
			expect(result.text).not.toContain("v1:");
		}
		const [alice] = await listItems(world.alice, "listWebhooks", "webhook", { id: aliceHook.id });
		expect(alice.hassecretkey).toBe(true);
	});
});

describe("updateWebhook", () => {
	it("changes name, description, state, payloadurl and eventtypes; answers the webhook; writes WEBHOOK.UPDATE", async () => {
		const hook = await createHook(world.alice, { name: "before", eventtypes: "VM.CREATE" });
		const result = await update(world.alice, hook.id, {
			name: "after",
			description: "new words",
			state: "Disabled",
			payloadurl: "Updated.example.com/x",
			eventtypes: "volume.create,VOLUME.DELETE,snapshot.*",
		});
		expect(Object.keys(result.body)).toEqual(["updatewebhookresponse"]);
		const updated = ok(result, "updateWebhook").webhook;
		expect(updated).toMatchObject({
			id: hook.id,
			name: "after",
			description: "new words",
			state: "Disabled",
			payloadurl: "http://updated.example.com/x",
			eventtypes: "VOLUME.CREATE,VOLUME.DELETE,SNAPSHOT.*",
			scope: "Local",
			account: "alice",
			created: hook.created,
		});
		const [event] = await eventsFor("WEBHOOK.UPDATE", hook.id);
		expect(event).toMatchObject({ account: "alice", resourcename: "after", description: "Webhook after updated" });
		// An empty eventtypes delivers every event again; an empty description removes it.
		const cleared = ok(
			await update(world.alice, hook.id, { eventtypes: "", description: "" }),
			"updateWebhook",
		).webhook;
		expect(cleared.eventtypes).toBeUndefined();
		expect(cleared.description).toBeUndefined();
		expect((await stored(hook.id))?.eventTypes).toBeNull();
	});

	it("sets, replaces and clears the secret key without ever answering it", async () => {
		const hook = await createHook(world.alice);
		const set = await update(world.alice, hook.id, { secretkey: "first-update-secret" });
		expect(ok(set, "updateWebhook").webhook.hassecretkey).toBe(true);
		expect(set.text).not.toContain("first-update-secret");
		expect(await box.open((await stored(hook.id))?.secretKeyEnc ?? "")).toBe("first-update-secret");
		const replaced = await update(world.alice, hook.id, { secretkey: "second-update-secret" });
		expect(replaced.text).not.toContain("second-update-secret");
		expect(await box.open((await stored(hook.id))?.secretKeyEnc ?? "")).toBe("second-update-secret");
		const cleared = ok(await update(world.alice, hook.id, { secretkey: "" }), "updateWebhook").webhook;
		expect(cleared.hassecretkey).toBe(false);
		expect((await stored(hook.id))?.secretKeyEnc).toBeNull();
	});

	it("keeps sslverification consistent with the URL scheme", async () => {
		const hook = await createHook(world.alice, { payloadurl: "http://plain-ssl.example.com/" });
		expectParamError(
			await update(world.alice, hook.id, { sslverification: "true" }),
			"updateWebhook",
			/only for HTTPS/,
		);
		const secured = ok(
			await update(world.alice, hook.id, { payloadurl: "https://plain-ssl.example.com/", sslverification: "true" }),
			"updateWebhook",
		).webhook;
		expect(secured.sslverification).toBe(true);
		expectParamError(
			await update(world.alice, hook.id, { payloadurl: "http://plain-ssl.example.com/" }),
			"updateWebhook",
			/only for HTTPS/,
		);
		const plain = ok(
			await update(world.alice, hook.id, { payloadurl: "http://plain-ssl.example.com/", sslverification: "false" }),
			"updateWebhook",
		).webhook;
		expect(plain).toMatchObject({ payloadurl: "http://plain-ssl.example.com/", sslverification: false });
	});

	it("re-checks the payload URL, refuses another webhook's URL of the same owner, accepts its own", async () => {
		const first = await createHook(world.alice, { payloadurl: "https://first.example.com/" });
		const second = await createHook(world.alice, { payloadurl: "https://second.example.com/" });
		const before = await stored(second.id);
		for (const [payloadurl, text] of [
			["http://192.168.0.1/", /private/],
			["http://localhost/", /internal name/],
			["https://a:b@second.example.com/", /user name or password/],
			["https://first.example.com", /already in use/],
		] as const) {
			const result = await refusedWithoutWrites(() => update(world.alice, second.id, { payloadurl, name: "renamed" }));
			expectParamError(result, "updateWebhook", text);
		}
		expect(await stored(second.id)).toEqual(before);
		expect(
			ok(await update(world.alice, first.id, { payloadurl: "https://FIRST.example.com/" }), "updateWebhook").webhook
				.payloadurl,
		).toBe("https://first.example.com/");
	});

	it("applies the scope rules to the owner", async () => {
		const mine = await createHook(world.alice);
		expectParamError(await update(world.alice, mine.id, { scope: "Domain" }), "updateWebhook", /owner alice/);
		const dadmin = await createHook(world.domainAdmin);
		expect(ok(await update(world.domainAdmin, dadmin.id, { scope: "Domain" }), "updateWebhook").webhook.scope).toBe(
			"Domain",
		);
		expectParamError(await update(world.root, dadmin.id, { scope: "Global" }), "updateWebhook", /owner dadmin/);
		const rootHook = await createHook(world.root);
		expect(ok(await update(world.root, rootHook.id, { scope: "Global" }), "updateWebhook").webhook.scope).toBe(
			"Global",
		);
		expectParamError(
			await update(world.root, rootHook.id, { state: "Gone" }),
			"updateWebhook",
			/^Invalid state specified$/,
		);
		expectParamError(
			await update(world.root, rootHook.id, { scope: "Gone" }),
			"updateWebhook",
			/^Invalid scope specified$/,
		);
	});

	it("writes no event when nothing changes", async () => {
		const hook = await createHook(world.alice);
		const result = await refusedWithoutWrites(() => update(world.alice, hook.id, {}));
		expect(ok(result, "updateWebhook").webhook.id).toBe(hook.id);
		expect(await eventsFor("WEBHOOK.UPDATE", hook.id)).toEqual([]);
	});

	it("only the owner or an admin who manages the owner account may change it", async () => {
		const aliceHook = await createHook(world.alice);
		const carolHook = await createHook(world.carol);
		const radminHook = await createHook(world.resourceAdmin);
		expectDenied(await update(world.bob, aliceHook.id, { name: "x" }), "updateWebhook");
		expectDenied(await update(world.domainAdmin, carolHook.id, { name: "x" }), "updateWebhook");
		expectDenied(await update(world.domainAdmin, radminHook.id, { name: "x" }), "updateWebhook");
		expectDenied(await update(world.resourceAdmin, carolHook.id, { name: "x" }), "updateWebhook");
		expect((await stored(aliceHook.id))?.name).toBe(aliceHook.name);
		expect(ok(await update(world.domainAdmin, aliceHook.id, { name: "by-dadmin" }), "updateWebhook").webhook.name).toBe(
			"by-dadmin",
		);
		expect(
			ok(await update(world.resourceAdmin, aliceHook.id, { name: "by-radmin" }), "updateWebhook").webhook.name,
		).toBe("by-radmin");
		expect(ok(await update(world.root, carolHook.id, { name: "by-root" }), "updateWebhook").webhook.name).toBe(
			"by-root",
		);
		expectParamError(
			await update(world.root, crypto.randomUUID(), { name: "x" }),
			"updateWebhook",
			/Invalid parameter id/,
		);
	});
});

describe("deleteWebhook", () => {
	async function insertDelivery(webhookId: string, state: string): Promise<string> {
		const id = crypto.randomUUID();
		await db.insert(webhookDeliveries).values({
			id,
			webhookId,
			eventId: crypto.randomUUID(),
			eventType: "VM.CREATE",
			state,
			attempts: state === "Pending" ? 0 : 1,
			payload: "{}",
			success: state === "Succeeded",
			startDate: Date.now(),
			endDate: state === "Succeeded" ? Date.now() : null,
			nextAttempt: state === "Retrying" ? Date.now() + 60_000 : null,
		});
		return id;
	}

	it("deletes the webhook, fails its queued deliveries in the same batch, keeps finished ones, writes WEBHOOK.DELETE", async () => {
		const hook = await createHook(world.alice, { name: "doomed" });
		const other = await createHook(world.alice);
		const pending = await insertDelivery(hook.id, "Pending");
		const retrying = await insertDelivery(hook.id, "Retrying");
		const done = await insertDelivery(hook.id, "Succeeded");
		const othersPending = await insertDelivery(other.id, "Pending");
		const result = await call(world.alice, { command: "deleteWebhook", id: hook.id });
		expect(result.body).toEqual({ deletewebhookresponse: { success: true } });
		expect(await stored(hook.id)).toBeUndefined();
		const delivery = (id: string) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
		for (const id of [pending, retrying]) {
			expect(await delivery(id)).toMatchObject({
				state: "Failed",
				success: false,
				response: "webhook deleted",
				nextAttempt: null,
				endDate: expect.any(Number),
			});
		}
		expect(await delivery(done)).toMatchObject({ state: "Succeeded", success: true });
		expect(await delivery(othersPending)).toMatchObject({ state: "Pending" });
		const [event] = await eventsFor("WEBHOOK.DELETE", hook.id);
		expect(event).toMatchObject({ account: "alice", description: "Webhook doomed deleted", resourcetype: "Webhook" });
		expect(await listItems(world.alice, "listWebhooks", "webhook", { id: hook.id })).toEqual([]);
	});

	it("refuses callers who may not change it (nothing deleted), and an unknown id", async () => {
		const hook = await createHook(world.alice);
		for (const actor of [world.bob, world.carol]) {
			const result = await refusedWithoutWrites(() => call(actor, { command: "deleteWebhook", id: hook.id }));
			expectDenied(result, "deleteWebhook");
		}
		const radminHook = await createHook(world.resourceAdmin);
		expectDenied(await call(world.domainAdmin, { command: "deleteWebhook", id: radminHook.id }), "deleteWebhook");
		expect(await stored(radminHook.id)).toBeDefined();
		ok(await call(world.domainAdmin, { command: "deleteWebhook", id: hook.id }), "deleteWebhook");
		expectParamError(
			await call(world.alice, { command: "deleteWebhook", id: hook.id }),
			"deleteWebhook",
			/Invalid parameter id/,
		);
		expectParamError(await call(world.alice, { command: "deleteWebhook" }), "deleteWebhook", /missing parameter id/);
	});
});

// ---- the access matrix --------------------------------------------------------------------------

const allowed = (command: string, params: (world: World, actor: Actor) => Promise<Params>) => ({
	expect: "allowed" as const,
	run: async (w: World, actor: Actor) => call(actor, { command, ...(await params(w, actor)) }),
});

const ownHook = async (actor: Actor) => (await createHook(actor)).id as string;

const matrix: Record<string, CommandMatrix> = {
	createWebhook: {
		RootAdmin: [allowed("createWebhook", async () => ({ name: unique("m"), payloadurl: hookUrl() }))],
		ResourceAdmin: [allowed("createWebhook", async () => ({ name: unique("m"), payloadurl: hookUrl() }))],
		DomainAdmin: [allowed("createWebhook", async () => ({ name: unique("m"), payloadurl: hookUrl() }))],
		User: [allowed("createWebhook", async () => ({ name: unique("m"), payloadurl: hookUrl() }))],
		ReadOnlyAdmin: [unavailable("createWebhook", { name: "ro", payloadurl: "https://ro.example.com/" })],
	},
	listWebhooks: {
		RootAdmin: [allowed("listWebhooks", async () => ({ listall: "true" }))],
		ResourceAdmin: [allowed("listWebhooks", async () => ({ listall: "true" }))],
		DomainAdmin: [allowed("listWebhooks", async () => ({ listall: "true" }))],
		User: [allowed("listWebhooks", async () => ({}))],
		ReadOnlyAdmin: [allowed("listWebhooks", async () => ({ listall: "true" }))],
	},
	updateWebhook: {
		RootAdmin: [allowed("updateWebhook", async (_w, a) => ({ id: await ownHook(a), name: "m" }))],
		ResourceAdmin: [allowed("updateWebhook", async (_w, a) => ({ id: await ownHook(a), name: "m" }))],
		DomainAdmin: [allowed("updateWebhook", async (_w, a) => ({ id: await ownHook(a), name: "m" }))],
		User: [
			allowed("updateWebhook", async (_w, a) => ({ id: await ownHook(a), name: "m" })),
			{
				scenario: "of another account",
				expect: 531,
				run: async (w, actor) => call(actor, { command: "updateWebhook", id: await ownHook(w.bob), name: "m" }),
			},
		],
		ReadOnlyAdmin: [unavailable("updateWebhook", { id: crypto.randomUUID(), name: "m" })],
	},
	deleteWebhook: {
		RootAdmin: [allowed("deleteWebhook", async (w) => ({ id: await ownHook(w.carol) }))],
		ResourceAdmin: [allowed("deleteWebhook", async (w) => ({ id: await ownHook(w.alice) }))],
		DomainAdmin: [
			allowed("deleteWebhook", async (w) => ({ id: await ownHook(w.alice) })),
			{
				scenario: "outside its subtree",
				expect: 531,
				run: async (w, actor) => call(actor, { command: "deleteWebhook", id: await ownHook(w.carol) }),
			},
		],
		User: [allowed("deleteWebhook", async (_w, a) => ({ id: await ownHook(a) }))],
		ReadOnlyAdmin: [unavailable("deleteWebhook", { id: crypto.randomUUID() })],
	},
};

describeMatrix("webhook access matrix", () => world, matrix);
