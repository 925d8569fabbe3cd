/**
 * The identity test world (built through the API as the bootstrap admin) and the table-driven
 * access-matrix runner the identity tests share.
 *
 *   ROOT ── admin (root admin), roadmin (read-only admin)
 *   ├── d1 ── dadmin (domain admin), radmin (resource admin), alice (user), bob (user)
 *   │   └── sub
 *   └── d2 ── carol (user)
 */
import { describe, expect, it } from "vitest";
import { type ApiResult, type Keys, login, ownKeys, type Params, signed } from "./api";

export const READ_ONLY_ROLE_ID = "00000000-0000-4000-8000-000000000005";
export const ROLES = ["RootAdmin", "ResourceAdmin", "DomainAdmin", "User", "ReadOnlyAdmin"] as const;
export type RoleName = (typeof ROLES)[number];

export interface Actor {
	username: string;
	password: string;
	userId: string;
	accountId: string;
	accountName: string;
	domainId: string;
	/** Mutable: a test that regenerates an actor's own keys stores the new pair here. */
	keys: Keys;
}

export interface World {
	rootDomainId: string;
	d1: string;
	sub: string;
	d2: string;
	root: Actor;
	resourceAdmin: Actor;
	domainAdmin: Actor;
	alice: Actor;
	bob: Actor;
	carol: Actor;
	readOnly: Actor;
	byRole: Record<RoleName, Actor>;
}

/** A command's envelope name (the default CloudStack rule: lower-cased name + "response"). */
export function envelope(command: string): string {
	return `${command.toLowerCase()}response`;
}

const READ_ONLY = /^(list|get|query|find)/;

/** A signed call as `actor`: GET for read-only commands, POST for everything else. */
export function call(actor: Actor, params: Params): Promise<ApiResult> {
	const command = params.command ?? "";
	return signed(actor.keys, params, READ_ONLY.test(command) ? "GET" : "POST");
}

/** The envelope's content of a successful call (fails the test on any error). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export function ok(result: ApiResult, command: string): any {
	const body = result.body?.[envelope(command)];
	expect(result.status, result.text).toBe(200);
	expect(body, result.text).toBeDefined();
	expect(body.errorcode, result.text).toBeUndefined();
	return body;
}

let counter = 0;
/** A name no other test in the file uses. */
export function unique(prefix: string): string {
	counter += 1;
	return `${prefix}${counter}`;
}

export function expectNotAvailable(result: ApiResult, command: string, actor: Actor): void {
	expect(result.status, result.text).toBe(432);
	expect(result.body?.errorresponse?.errorcode, result.text).toBe(432);
	expect(result.body.errorresponse.errortext).toBe(
		`The API [${command}] does not exist or is not available for the account for the user with ID ${actor.userId}.`,
	);
}

export function expectDenied(result: ApiResult, command: string): void {
	expect(result.status, result.text).toBe(531);
	const body = result.body?.[envelope(command)];
	expect(body?.errorcode, result.text).toBe(531);
	expect(body.cserrorcode).toBe(4365);
	expect(body.errortext).toMatch(/\S/);
}

export function expectParamError(result: ApiResult, command: string, text?: RegExp): void {
	expect(result.status, result.text).toBe(431);
	const body = result.body?.[envelope(command)];
	expect(body?.errorcode, result.text).toBe(431);
	if (text) expect(body.errortext).toMatch(text);
}

/** Secret keys never appear in list/get output. */
export function expectNoSecrets(result: ApiResult): void {
	expect(result.text.toLowerCase()).not.toContain("secretkey");
}

/** The queryAsyncJobResult body for an async call's answer, as `actor` sees it. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export async function jobResult(actor: Actor, result: ApiResult, command: string, timeoutMs = 20_000): Promise<any> {
	const { jobid } = ok(result, command);
	expect(jobid).toMatch(/^[0-9a-f-]{36}$/);
	return waitForJob(actor, jobid, timeoutMs);
}

/** Polls queryAsyncJobResult until the job is no longer pending (jobstatus 0); fails after `timeoutMs`. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export async function waitForJob(actor: Actor, jobid: string, timeoutMs = 20_000): Promise<any> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const job = ok(await call(actor, { command: "queryAsyncJobResult", jobid }), "queryAsyncJobResult");
		if (job.jobstatus !== 0) return job;
		if (Date.now() > until) throw new Error(`job ${jobid} still pending after ${timeoutMs} ms: ${JSON.stringify(job)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Runs an async command and expects its job to succeed; returns the job's `jobresult`. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export async function runJob(actor: Actor, params: Params): Promise<any> {
	const job = await jobResult(actor, await call(actor, params), params.command ?? "");
	expect(job.jobstatus, JSON.stringify(job)).toBe(1);
	expect(job.jobresultcode).toBe(0);
	return job.jobresult;
}

export interface Created {
	accountId: string;
	accountName: string;
	userId: string;
	username: string;
	password: string;
	domainId: string;
}

/** The parameters of a createAccount call (password is `pw-<username>`). */
export function accountParams(domainId: string, extra: Params = { accounttype: "0" }): Params {
	const username = extra.username ?? unique("u");
	return {
		command: "createAccount",
		username,
		password: `pw-${username}`,
		email: `${username}@example.com`,
		firstname: "First",
		lastname: "Last",
		domainid: domainId,
		...extra,
	};
}

/** createAccount as `by` (root by default); `extra` may set accounttype/roleid. */
export async function createAccount(
	world: World,
	domainId: string,
	extra: Params = { accounttype: "0" },
	by: Actor = world.root,
): Promise<Created> {
	const params = accountParams(domainId, extra);
	const account = ok(await call(by, params), "createAccount").account;
	return {
		accountId: account.id,
		accountName: account.name,
		userId: account.user[0].id,
		username: params.username ?? "",
		password: params.password ?? "",
		domainId,
	};
}

/** A fresh account, disabled by the root admin. */
export async function createDisabledAccount(world: World, domainId: string): Promise<Created> {
	const created = await createAccount(world, domainId);
	await runJob(world.root, { command: "disableAccount", id: created.accountId, lock: "false" });
	return created;
}

/** A new account with its own keys, as a full actor. */
export async function createActor(world: World, domainId: string, extra?: Params): Promise<Actor> {
	const created = await createAccount(world, domainId, extra);
	const keys = ok(await call(world.root, { command: "registerUserKeys", id: created.userId }), "registerUserKeys")
		.userkeys as Keys;
	return { ...created, keys };
}

/** createUser in an existing account, as root. */
export async function createUser(world: World, account: { accountName: string; domainId: string }): Promise<string> {
	const username = unique("extra");
	const result = await call(world.root, {
		command: "createUser",
		account: account.accountName,
		domainid: account.domainId,
		username,
		password: `pw-${username}`,
		email: `${username}@example.com`,
		firstname: "Extra",
		lastname: "User",
	});
	return ok(result, "createUser").user.id;
}

export async function createDomain(world: World, parentId: string, name = unique("dom")): Promise<string> {
	const result = await call(world.root, { command: "createDomain", name, parentdomainid: parentId });
	return ok(result, "createDomain").domain.id;
}

/** Builds the world described at the top of this file. */
export async function buildWorld(): Promise<World> {
	const session = await login();
	const keys = await ownKeys(session);
	const me = ok(await signed(keys, { command: "listUsers", id: session.userid }), "listUsers").user[0];
	const root: Actor = {
		username: "admin",
		password: "test-admin-password",
		userId: session.userid,
		accountId: me.accountid,
		accountName: me.account,
		domainId: me.domainid,
		keys,
	};
	const partial = { root } as World;
	const d1 = await createDomain(partial, root.domainId, "d1");
	const sub = await createDomain(partial, d1, "sub");
	const d2 = await createDomain(partial, root.domainId, "d2");
	const actor = (domainId: string, username: string, extra: Params) =>
		createActor(partial, domainId, { username, ...extra });
	const world: World = {
		rootDomainId: root.domainId,
		d1,
		sub,
		d2,
		root,
		domainAdmin: await actor(d1, "dadmin", { accounttype: "2" }),
		resourceAdmin: await actor(d1, "radmin", { accounttype: "3" }),
		alice: await actor(d1, "alice", { accounttype: "0" }),
		bob: await actor(d1, "bob", { accounttype: "0" }),
		carol: await actor(d2, "carol", { accounttype: "0" }),
		readOnly: await actor(root.domainId, "roadmin", { roleid: READ_ONLY_ROLE_ID }),
		byRole: {} as Record<RoleName, Actor>,
	};
	world.byRole = {
		RootAdmin: world.root,
		ResourceAdmin: world.resourceAdmin,
		DomainAdmin: world.domainAdmin,
		User: world.alice,
		ReadOnlyAdmin: world.readOnly,
	};
	return world;
}

// ---- the access matrix ----------------------------------------------------------------------

export type Expect = "allowed" | 432 | 531;

export interface Case {
	/** What the caller tries, e.g. "in own subtree"; empty for a plain "may not call it". */
	scenario?: string;
	expect: Expect;
	run(world: World, actor: Actor): Promise<ApiResult>;
	/** The observable effect (or its absence) after the call. */
	verify?(world: World, result: ApiResult, actor: Actor): Promise<void> | void;
}

export type CommandMatrix = Record<RoleName, Case[]>;

/** A role that may not call the command at all: any parameters, the answer is 432. */
export function unavailable(command: string, params: Params = {}): Case {
	return { expect: 432, run: (_w, actor) => call(actor, { command, ...params }) };
}

function outcome(expect: Expect): string {
	if (expect === "allowed") return "allowed";
	return expect === 432 ? "not available (432)" : "permission denied (531)";
}

/** One `it` per role × command × scenario, named like "DomainAdmin: createAccount in own subtree → allowed". */
export function describeMatrix(title: string, getWorld: () => World, table: Record<string, CommandMatrix>): void {
	describe(title, () => {
		for (const [command, byRole] of Object.entries(table)) {
			for (const role of ROLES) {
				const cases = byRole[role];
				if (cases.length === 0) throw new Error(`the matrix has no case for ${role} × ${command}`);
				for (const c of cases) {
					const scenario = c.scenario ? ` ${c.scenario}` : "";
					it(`${role}: ${command}${scenario} → ${outcome(c.expect)}`, async () => {
						const world = getWorld();
						const actor = world.byRole[role];
						const result = await c.run(world, actor);
						if (c.expect === "allowed") ok(result, command);
						else if (c.expect === 432) expectNotAvailable(result, command, actor);
						else expectDenied(result, command);
						await c.verify?.(world, result, actor);
					});
				}
			}
		}
	});
}

/** The items of a list command's answer (`[]` for CloudStack's empty `{}`). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export async function listItems(actor: Actor, command: string, item: string, params: Params = {}): Promise<any[]> {
	return ok(await call(actor, { command, ...params }), command)[item] ?? [];
}
