/** User behaviour: disable/enable and access, delete, names, passwords, scope and secrecy of list output. */
import { beforeAll, describe, expect, it } from "vitest";
import { login, type Params } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	call,
	createActor,
	createUser,
	expectDenied,
	expectNoSecrets,
	expectParamError,
	listItems,
	ok,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

const D1 = { domain: "/d1/" };

function newUser(account: string, domainid: string, username: string): Params {
	return {
		command: "createUser",
		account,
		domainid,
		username,
		password: `pw-${username}`,
		email: `${username}@example.com`,
		firstname: "F",
		lastname: "L",
	};
}

describe("disableUser and enableUser", () => {
	it("disabling ends the user's signed requests and sessions (401); enabling restores access", async () => {
		const actor = await createActor(world, world.d1);
		const session = await login(actor.username, actor.password, D1);
		const disabled = await runJob(world.domainAdmin, { command: "disableUser", id: actor.userId });
		expect(disabled.user.state).toBe("disabled");
		expect((await call(actor, { command: "listUsers" })).status).toBe(401);
		expect((await session.call({ command: "listUsers" })).status).toBe(401);
		await expect(login(actor.username, actor.password, D1)).rejects.toThrow(/login failed/);

		ok(await call(world.domainAdmin, { command: "enableUser", id: actor.userId }), "enableUser");
		expect((await call(actor, { command: "listUsers" })).status).toBe(200);
		const again = await login(actor.username, actor.password, D1);
		expect((await again.call({ command: "listUsers" })).status).toBe(200);
	});

	it("disabling one user leaves the other users of the account working", async () => {
		const actor = await createActor(world, world.d1);
		const second = await createUser(world, actor);
		await runJob(world.root, { command: "disableUser", id: second });
		expect((await call(actor, { command: "listUsers" })).status).toBe(200);
	});

	it("refuses the caller itself and the default admin (531, synchronously)", async () => {
		expectDenied(
			await call(world.domainAdmin, { command: "disableUser", id: world.domainAdmin.userId }),
			"disableUser",
		);
		expectDenied(await call(world.root, { command: "disableUser", id: world.root.userId }), "disableUser");
		expect((await call(world.domainAdmin, { command: "listUsers" })).status).toBe(200);
	});

	it("answers an unknown user with 431, synchronously", async () => {
		const result = await call(world.root, { command: "disableUser", id: "00000000-0000-4000-8000-0000000000ff" });
		expectParamError(result, "disableUser");
		expect(result.body.disableuserresponse.jobid).toBeUndefined();
	});
});

describe("updateUser password", () => {
	it("ends the user's other sessions and keeps the one that changed it", async () => {
		const actor = await createActor(world, world.d1);
		const changing = await login(actor.username, actor.password, D1);
		const other = await login(actor.username, actor.password, D1);
		const changed = await changing.call({
			command: "updateUser",
			id: actor.userId,
			password: "a-new-password-1",
			currentpassword: actor.password,
		});
		expect(changed.status).toBe(200);
		expect((await changing.call({ command: "listUsers" })).status).toBe(200);
		expect((await other.call({ command: "listUsers" })).status).toBe(401);
		const again = await login(actor.username, "a-new-password-1", D1);
		expect((await again.call({ command: "listUsers" })).status).toBe(200);
	});
});

describe("deleteUser", () => {
	it("removes the user; its keys stop working", async () => {
		const actor = await createActor(world, world.d1);
		const extra = await createUser(world, actor);
		const keys = ok(await call(world.root, { command: "registerUserKeys", id: extra }), "registerUserKeys").userkeys;
		const extraActor: Actor = { ...actor, userId: extra, keys };
		expect((await call(extraActor, { command: "listUsers" })).status).toBe(200);
		ok(await call(world.domainAdmin, { command: "deleteUser", id: extra }), "deleteUser");
		expect((await call(extraActor, { command: "listUsers" })).status).toBe(401);
		expect(await listItems(world.root, "listUsers", "user", { id: extra })).toEqual([]);
	});

	it("refuses the caller itself and the default admin (531)", async () => {
		expectDenied(await call(world.domainAdmin, { command: "deleteUser", id: world.domainAdmin.userId }), "deleteUser");
		expectDenied(await call(world.root, { command: "deleteUser", id: world.root.userId }), "deleteUser");
	});
});

describe("user names", () => {
	it("refuses a user name taken in the same domain (431) but allows it in another domain", async () => {
		const username = unique("twin");
		ok(await call(world.root, newUser("bob", world.d1, username)), "createUser");
		const again = await call(world.root, newUser("alice", world.d1, username));
		expectParamError(again, "createUser", /already exists/);
		ok(await call(world.root, newUser("carol", world.d2, username)), "createUser");
	});

	it("refuses renaming a user to a taken name (431)", async () => {
		const result = await call(world.root, { command: "updateUser", id: world.bob.userId, username: "alice" });
		expectParamError(result, "updateUser", /already exists/);
	});

	it("createUser into an account that does not exist is a 431", async () => {
		expectParamError(await call(world.root, newUser("nobody", world.d1, unique("x"))), "createUser");
	});
});

describe("passwords", () => {
	it("a user changing its own password must give the current one", async () => {
		const actor = await createActor(world, world.d1);
		const without = await call(actor, { command: "updateUser", id: actor.userId, password: "new-secret" });
		expectParamError(without, "updateUser");
		const wrong = { command: "updateUser", id: actor.userId, password: "new-secret", currentpassword: "nope" };
		expectParamError(await call(actor, wrong), "updateUser");
		const right = { ...wrong, currentpassword: actor.password };
		ok(await call(actor, right), "updateUser");
		await expect(login(actor.username, actor.password, D1)).rejects.toThrow(/login failed/);
		expect((await login(actor.username, "new-secret", D1)).userid).toBe(actor.userId);
	});

	it("a domain admin resets a user's password in its domain without the current one", async () => {
		const actor = await createActor(world, world.d1);
		ok(await call(world.domainAdmin, { command: "updateUser", id: actor.userId, password: "reset-pw" }), "updateUser");
		expect((await login(actor.username, "reset-pw", D1)).userid).toBe(actor.userId);
	});
});

describe("user scope and secrecy", () => {
	it("a user cannot see another user by id (empty list)", async () => {
		expect(await listItems(world.alice, "listUsers", "user", { id: world.bob.userId })).toEqual([]);
		expect(await listItems(world.alice, "listAccounts", "account", { id: world.bob.accountId })).toEqual([]);
	});

	it("a domain admin asking for users of a domain outside its subtree gets 531", async () => {
		expectDenied(await call(world.domainAdmin, { command: "listUsers", domainid: world.d2 }), "listUsers");
	});

	it("a domain admin may narrow to a sub-domain of its own", async () => {
		const actor = await createActor(world, world.sub);
		const users = await listItems(world.domainAdmin, "listUsers", "user", { domainid: world.sub });
		expect(users.map((u) => u.id)).toEqual([actor.userId]);
	});

	it("listUsers, listAccounts and getUser show API keys but never a secret key", async () => {
		const users = await call(world.root, { command: "listUsers", listall: "true" });
		expect(ok(users, "listUsers").user.find((u: { id: string }) => u.id === world.alice.userId).apikey).toBe(
			world.alice.keys.apikey,
		);
		expectNoSecrets(users);
		expectNoSecrets(await call(world.root, { command: "listAccounts", listall: "true" }));
		expectNoSecrets(await call(world.alice, { command: "listUsers" }));
		expectNoSecrets(await call(world.root, { command: "getUser", userapikey: world.carol.keys.apikey }));
		expectNoSecrets(await call(world.readOnly, { command: "getUser", userapikey: world.carol.keys.apikey }));
	});

	it("getUser with an unknown key is a 431", async () => {
		expectParamError(await call(world.root, { command: "getUser", userapikey: "no-such-key" }), "getUser");
	});
});
