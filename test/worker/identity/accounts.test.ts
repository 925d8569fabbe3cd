/** Account commands: the access matrix across the five roles (behaviour is in account-lifecycle). */
import { beforeAll, expect } from "vitest";
import type { ApiResult } from "../../helpers/api";
import {
	type Actor,
	accountParams,
	buildWorld,
	type Case,
	type CommandMatrix,
	type Created,
	call,
	createAccount,
	createDisabledAccount,
	describeMatrix,
	expectNoSecrets,
	jobResult,
	listItems,
	READ_ONLY_ROLE_ID,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

const ALL = ["admin", "roadmin", "dadmin", "radmin", "alice", "bob", "carol"];
const IN_D1 = ["dadmin", "radmin", "alice", "bob"];

async function account(id: string) {
	const [found] = await listItems(world.root, "listAccounts", "account", { id });
	return found;
}

const names = (items: { name: string }[]) => items.map((a) => a.name);

const listsAll: Case = {
	scenario: "with listall=true sees every account",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listAccounts", listall: "true" }),
	verify: (_w, r) => {
		expect(names(r.body.listaccountsresponse.account)).toEqual(expect.arrayContaining(ALL));
		expectNoSecrets(r);
	},
};

const listsSubtree: Case = {
	scenario: "with listall=true sees only its subtree's accounts",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listAccounts", listall: "true" }),
	verify: (_w, r) => {
		const items: { name: string; domainpath: string }[] = r.body.listaccountsresponse.account;
		expect(names(items)).toEqual(expect.arrayContaining(IN_D1));
		for (const outside of ["admin", "roadmin", "carol"]) expect(names(items)).not.toContain(outside);
		for (const a of items) expect(a.domainpath).toMatch(/^ROOT\/d1(\/|$)/);
		expectNoSecrets(r);
	},
};

function createIn(domain: (w: World) => string, scenario: string, path: string): Case {
	const params = accountParams("", { accounttype: "0" });
	return {
		scenario,
		expect: "allowed",
		run: (w, a) => call(a, { ...params, domainid: domain(w) }),
		verify: async (_w, r, a) => {
			const created = r.body.createaccountresponse.account;
			expect(created).toMatchObject({ name: params.username, accounttype: 0, domainpath: path, state: "enabled" });
			expect(created.user[0]).toMatchObject({ username: params.username });
			expect(await listItems(a, "listAccounts", "account", { id: created.id })).toHaveLength(1);
		},
	};
}

function createDenied(scenario: string, domain: (w: World) => string, extra: Record<string, string>): Case {
	const username = unique("denied");
	const params = accountParams("", { ...extra, username });
	return {
		scenario,
		expect: 531,
		run: (w, a) => call(a, { ...params, domainid: domain(w) }),
		verify: async (w) =>
			expect(await listItems(w.root, "listAccounts", "account", { listall: "true", name: username })).toEqual([]),
	};
}

/** An allowed change to a fresh account that root creates in `domain` (disabled first for enable). */
function onFresh(
	command: string,
	domain: (w: World) => string,
	scenario: string,
	params: Record<string, string>,
	verify: (created: Created, result: ApiResult, actor: Actor) => Promise<void>,
): Case {
	let created: Created;
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			created =
				command === "enableAccount" ? await createDisabledAccount(w, domain(w)) : await createAccount(w, domain(w));
			return call(a, { command, id: created.accountId, ...params });
		},
		verify: (_w, r, a) => verify(created, r, a),
	};
}

/** A change to an account the caller may not manage: 531, and the account is unchanged. */
function onOther(
	command: string,
	scenario: string,
	target: (w: World) => Promise<string>,
	params: Record<string, string>,
): Case {
	let id = "";
	let before: unknown;
	return {
		scenario,
		expect: 531,
		run: async (w, a) => {
			id = await target(w);
			before = await account(id);
			return call(a, { command, id, ...params });
		},
		verify: async () => expect(await account(id)).toEqual(before),
	};
}

const carol = async (w: World) => w.carol.accountId;
const adminInD1 = async (w: World) => (await createAccount(w, w.d1, { accounttype: "1" })).accountId;
const readOnlyInD1 = async (w: World) => (await createAccount(w, w.d1, { roleid: READ_ONLY_ROLE_ID })).accountId;

function rename(domain: (w: World) => string, scenario: string): Case {
	const newname = unique("renamed");
	return onFresh("updateAccount", domain, scenario, { newname }, async (created) => {
		expect((await account(created.accountId)).name).toBe(newname);
	});
}

function remove(domain: (w: World) => string, scenario: string): Case {
	return onFresh("deleteAccount", domain, scenario, {}, async (created, r, a) => {
		const job = await jobResult(a, r, "deleteAccount");
		expect(job).toMatchObject({ jobstatus: 1, jobresult: { success: true }, jobinstancetype: "Account" });
		expect(await account(created.accountId)).toBeUndefined();
	});
}

function disable(domain: (w: World) => string, scenario: string): Case {
	return onFresh("disableAccount", domain, scenario, { lock: "false" }, async (created, r, a) => {
		const job = await jobResult(a, r, "disableAccount");
		expect(job).toMatchObject({ jobstatus: 1, jobresult: { account: { id: created.accountId, state: "disabled" } } });
		expect((await account(created.accountId)).state).toBe("disabled");
	});
}

function enable(domain: (w: World) => string, scenario: string): Case {
	return onFresh("enableAccount", domain, scenario, {}, async (created, r) => {
		expect(r.body.enableaccountresponse).toMatchObject({ account: { id: created.accountId, state: "enabled" } });
		expect((await account(created.accountId)).state).toBe("enabled");
	});
}

const d1 = (w: World) => w.d1;
const sub = (w: World) => w.sub;
const d2 = (w: World) => w.d2;
const blocked = (command: string) => [unavailable(command, { id: "00000000-0000-4000-8000-0000000000ff" })];

const matrix: Record<string, CommandMatrix> = {
	listAccounts: {
		RootAdmin: [listsAll],
		ReadOnlyAdmin: [listsAll],
		DomainAdmin: [listsSubtree],
		ResourceAdmin: [listsSubtree],
		User: [
			{
				scenario: "with listall=true sees only its own account",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listAccounts", listall: "true" }),
				verify: (_w, r) => {
					expect(names(r.body.listaccountsresponse.account)).toEqual(["alice"]);
					expectNoSecrets(r);
				},
			},
		],
	},
	createAccount: {
		RootAdmin: [createIn(d2, "in d2", "ROOT/d2")],
		DomainAdmin: [
			createIn(sub, "in own subtree", "ROOT/d1/sub"),
			createDenied("in d2", d2, { accounttype: "0" }),
			createDenied("of a root-admin type in own domain", d1, { accounttype: "1" }),
			createDenied("of a read-only-admin role in own domain", d1, { roleid: READ_ONLY_ROLE_ID }),
		],
		ResourceAdmin: [unavailable("createAccount", accountParams("00000000-0000-4000-8000-0000000000ff"))],
		User: [unavailable("createAccount", accountParams("00000000-0000-4000-8000-0000000000ff"))],
		ReadOnlyAdmin: [unavailable("createAccount", accountParams("00000000-0000-4000-8000-0000000000ff"))],
	},
	updateAccount: {
		RootAdmin: [rename(d2, "renames an account in d2")],
		DomainAdmin: [
			rename(sub, "renames an account in own subtree"),
			onOther("updateAccount", "on carol's account in d2", carol, { newname: "stolen" }),
			onOther("updateAccount", "on a root-admin account in own domain", adminInD1, { newname: "stolen" }),
		],
		ResourceAdmin: blocked("updateAccount"),
		User: blocked("updateAccount"),
		ReadOnlyAdmin: blocked("updateAccount"),
	},
	deleteAccount: {
		RootAdmin: [remove(d2, "of a user account in d2")],
		DomainAdmin: [
			remove(sub, "of a user account in own subtree"),
			onOther("deleteAccount", "of carol's account in d2", carol, {}),
			onOther("deleteAccount", "of a root-admin account in own domain", adminInD1, {}),
		],
		ResourceAdmin: blocked("deleteAccount"),
		User: blocked("deleteAccount"),
		ReadOnlyAdmin: blocked("deleteAccount"),
	},
	disableAccount: {
		RootAdmin: [disable(d2, "of a user account in d2")],
		DomainAdmin: [
			disable(d1, "of a user account in own domain"),
			onOther("disableAccount", "of carol's account in d2", carol, { lock: "false" }),
			onOther("disableAccount", "of a read-only-admin account in own domain", readOnlyInD1, { lock: "false" }),
		],
		ResourceAdmin: blocked("disableAccount"),
		User: blocked("disableAccount"),
		ReadOnlyAdmin: blocked("disableAccount"),
	},
	enableAccount: {
		RootAdmin: [enable(d2, "of a disabled account in d2")],
		DomainAdmin: [
			enable(sub, "of a disabled account in own subtree"),
			onOther("enableAccount", "of carol's account in d2", carol, {}),
		],
		ResourceAdmin: blocked("enableAccount"),
		User: blocked("enableAccount"),
		ReadOnlyAdmin: blocked("enableAccount"),
	},
};

describeMatrix("account commands × roles", () => world, matrix);
