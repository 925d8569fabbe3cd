/** User commands: the access matrix across the five roles (behaviour is in user-lifecycle). */
import { beforeAll, expect } from "vitest";
import type { ApiResult } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	createAccount,
	createUser,
	describeMatrix,
	expectNoSecrets,
	jobResult,
	listItems,
	runJob,
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
const NO_SUCH_USER = "00000000-0000-4000-8000-0000000000ff";

async function user(id: string) {
	const [found] = await listItems(world.root, "listUsers", "user", { id });
	return found;
}

const usernames = (r: ApiResult): string[] =>
	(r.body.listusersresponse.user ?? []).map((u: { username: string }) => u.username);

function lists(scenario: string, check: (names: string[]) => void): Case {
	return {
		scenario,
		expect: "allowed",
		run: (_w, a) => call(a, { command: "listUsers", listall: "true" }),
		verify: (_w, r) => {
			check(usernames(r));
			expectNoSecrets(r);
		},
	};
}

const listsAll = lists("with listall=true sees every user", (names) =>
	expect(names).toEqual(expect.arrayContaining(ALL)),
);
const listsSubtree = lists("with listall=true sees only its subtree's users", (names) => {
	expect(names).toEqual(expect.arrayContaining(IN_D1));
	for (const outside of ["admin", "roadmin", "carol"]) expect(names).not.toContain(outside);
});

function createIn(scenario: string, owner: (w: World) => Actor, expected: "allowed" | 531): Case {
	const username = unique("new");
	return {
		scenario,
		expect: expected,
		run: (w, a) =>
			call(a, {
				command: "createUser",
				account: owner(w).accountName,
				domainid: owner(w).domainId,
				username,
				password: "pw-new",
				email: "new@example.com",
				firstname: "New",
				lastname: "User",
			}),
		verify: async (w) => {
			const found = await listItems(w.root, "listUsers", "user", { listall: "true", username });
			if (expected === 531) expect(found).toEqual([]);
			else expect(found).toMatchObject([{ username, accountid: owner(w).accountId }]);
		},
	};
}

function update(scenario: string, target: (w: World, a: Actor) => Actor, expected: "allowed" | 531): Case {
	const firstname = unique("First");
	let id = "";
	let before: unknown;
	return {
		scenario,
		expect: expected,
		run: async (w, a) => {
			id = target(w, a).userId;
			before = await user(id);
			return call(a, { command: "updateUser", id, firstname });
		},
		verify: async (_w, r) => {
			if (expected === 531) return expect(await user(id)).toEqual(before);
			expect(r.body.updateuserresponse.user).toMatchObject({ id, firstname });
			expectNoSecrets(r);
			expect((await user(id)).firstname).toBe(firstname);
		},
	};
}

/** A change to the only user of an account root creates in `domain` (disabled first for enable). */
function onFresh(
	command: string,
	domain: (w: World) => string,
	scenario: string,
	verify: (userId: string, result: ApiResult, actor: Actor) => Promise<void>,
): Case {
	let userId = "";
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			userId = (await createAccount(w, domain(w))).userId;
			if (command === "enableUser") await runJob(w.root, { command: "disableUser", id: userId });
			return call(a, { command, id: userId });
		},
		verify: (_w, r, a) => verify(userId, r, a),
	};
}

/** A change to a user the caller may not manage: 531, and the user is unchanged. */
function onOther(command: string, scenario: string, target: (w: World) => string): Case {
	let before: unknown;
	return {
		scenario,
		expect: 531,
		run: async (w, a) => {
			before = await user(target(w));
			return call(a, { command, id: target(w) });
		},
		verify: async (w) => expect(await user(target(w))).toEqual(before),
	};
}

function removeExtra(owner: (w: World) => Actor, scenario: string): Case {
	let id = "";
	return {
		scenario,
		expect: "allowed",
		run: async (w, a) => {
			id = await createUser(w, owner(w));
			return call(a, { command: "deleteUser", id });
		},
		verify: async (w, r) => {
			expect(r.body.deleteuserresponse).toEqual({ success: true });
			expect(await user(id)).toBeUndefined();
			expect(await user(owner(w).userId)).toBeDefined();
		},
	};
}

function disable(domain: (w: World) => string, scenario: string): Case {
	return onFresh("disableUser", domain, scenario, async (userId, r, a) => {
		const job = await jobResult(a, r, "disableUser");
		expect(job).toMatchObject({ jobstatus: 1, jobinstancetype: "User", jobresult: { user: { id: userId } } });
		expect(job.jobresult.user.state).toBe("disabled");
		expect((await user(userId)).state).toBe("disabled");
	});
}

function enable(domain: (w: World) => string, scenario: string): Case {
	return onFresh("enableUser", domain, scenario, async (userId, r) => {
		expect(r.body.enableuserresponse.user).toMatchObject({ id: userId, state: "enabled" });
		expect((await user(userId)).state).toBe("enabled");
	});
}

function getUser(scenario: string, target: (w: World) => Actor): Case {
	return {
		scenario,
		expect: "allowed",
		run: (w, a) => call(a, { command: "getUser", userapikey: target(w).keys.apikey }),
		verify: (w, r) => {
			expect(r.body.getuserresponse.user).toMatchObject({ id: target(w).userId, username: target(w).username });
			expectNoSecrets(r);
		},
	};
}

const d1 = (w: World) => w.d1;
const sub = (w: World) => w.sub;
const d2 = (w: World) => w.d2;
const blocked = (command: string) => [unavailable(command, { id: NO_SUCH_USER })];

const matrix: Record<string, CommandMatrix> = {
	listUsers: {
		RootAdmin: [listsAll],
		ReadOnlyAdmin: [listsAll],
		DomainAdmin: [listsSubtree],
		ResourceAdmin: [listsSubtree],
		User: [lists("with listall=true sees only its own account's users", (names) => expect(names).toEqual(["alice"]))],
	},
	createUser: {
		RootAdmin: [createIn("in carol's account in d2", (w) => w.carol, "allowed")],
		DomainAdmin: [
			createIn("in bob's account in own domain", (w) => w.bob, "allowed"),
			createIn("in carol's account in d2", (w) => w.carol, 531),
			createIn("in the root admin's account", (w) => w.root, 531),
		],
		ResourceAdmin: [unavailable("createUser", { account: "bob" })],
		User: [unavailable("createUser", { account: "bob" })],
		ReadOnlyAdmin: [unavailable("createUser", { account: "bob" })],
	},
	updateUser: {
		RootAdmin: [update("of carol", (w) => w.carol, "allowed")],
		DomainAdmin: [
			update("of bob in own domain", (w) => w.bob, "allowed"),
			update("of carol in d2", (w) => w.carol, 531),
			update("of the root admin", (w) => w.root, 531),
			update("of the more privileged resource admin in own domain", (w) => w.resourceAdmin, 531),
		],
		ResourceAdmin: [
			update("of bob in own domain", (w) => w.bob, "allowed"),
			update("of the domain admin in own domain", (w) => w.domainAdmin, "allowed"),
			update("of carol in d2", (w) => w.carol, 531),
		],
		User: [update("of itself", (_w, a) => a, "allowed"), update("of bob", (w) => w.bob, 531)],
		ReadOnlyAdmin: [
			{
				scenario: "of itself",
				expect: 432,
				run: (_w, a) => call(a, { command: "updateUser", id: a.userId, firstname: "Nope" }),
			},
		],
	},
	deleteUser: {
		RootAdmin: [removeExtra((w) => w.carol, "of a second user in carol's account")],
		DomainAdmin: [
			removeExtra((w) => w.bob, "of a second user in bob's account"),
			onOther("deleteUser", "of carol in d2", (w) => w.carol.userId),
			onOther("deleteUser", "of the read-only admin", (w) => w.readOnly.userId),
		],
		ResourceAdmin: blocked("deleteUser"),
		User: blocked("deleteUser"),
		ReadOnlyAdmin: blocked("deleteUser"),
	},
	disableUser: {
		RootAdmin: [disable(d2, "of a user in d2")],
		DomainAdmin: [
			disable(sub, "of a user in own subtree"),
			onOther("disableUser", "of carol in d2", (w) => w.carol.userId),
		],
		ResourceAdmin: blocked("disableUser"),
		User: blocked("disableUser"),
		ReadOnlyAdmin: blocked("disableUser"),
	},
	enableUser: {
		RootAdmin: [enable(d2, "of a disabled user in d2")],
		DomainAdmin: [
			enable(d1, "of a disabled user in own domain"),
			onOther("enableUser", "of carol in d2", (w) => w.carol.userId),
		],
		ResourceAdmin: blocked("enableUser"),
		User: blocked("enableUser"),
		ReadOnlyAdmin: blocked("enableUser"),
	},
	getUser: {
		RootAdmin: [getUser("by alice's API key", (w) => w.alice)],
		ReadOnlyAdmin: [getUser("by carol's API key", (w) => w.carol)],
		DomainAdmin: [unavailable("getUser", { userapikey: "x" })],
		ResourceAdmin: [unavailable("getUser", { userapikey: "x" })],
		User: [unavailable("getUser", { userapikey: "x" })],
	},
};

describeMatrix("user commands × roles", () => world, matrix);
