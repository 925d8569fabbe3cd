/** Account behaviour: names, types and roles, disable/enable/lock and access, delete, async errors, events. */
import { beforeAll, describe, expect, it } from "vitest";
import { login, request } from "../../helpers/api";
import {
	accountParams,
	buildWorld,
	call,
	createAccount,
	createActor,
	expectDenied,
	expectParamError,
	jobResult,
	listItems,
	ok,
	READ_ONLY_ROLE_ID,
	runJob,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

/** The login `domain` path of the fixtures' domains. */
function domainPath(world: World, id: string): string {
	return id === world.d1 ? "/d1/" : id === world.d2 ? "/d2/" : id === world.sub ? "/d1/sub/" : "/";
}

async function loginAs(username: string, domainId: string) {
	return login(username, `pw-${username}`, { domain: domainPath(world, domainId) });
}

describe("createAccount", () => {
	it("refuses a duplicate account name in the same domain (431) but allows it in another domain", async () => {
		const name = unique("dup");
		await createAccount(world, world.d1, { accounttype: "0", account: name });
		const again = await call(world.root, accountParams(world.d1, { accounttype: "0", account: name }));
		expectParamError(again, "createAccount", /already exists/);
		await createAccount(world, world.d2, { accounttype: "0", account: name });
	});

	it("refuses a user name already taken in the domain (431)", async () => {
		const result = await call(
			world.root,
			accountParams(world.d1, { accounttype: "0", username: "alice", account: "x" }),
		);
		expectParamError(result, "createAccount", /already exists/);
	});

	it("needs an account type or a role (431)", async () => {
		const params = accountParams(world.d1, {});
		expectParamError(await call(world.root, params), "createAccount");
	});

	it("a domain admin may not create a root admin, by type or by role (531), nor anything outside its subtree", async () => {
		const byType = await call(world.domainAdmin, accountParams(world.d1, { accounttype: "1" }));
		expectDenied(byType, "createAccount");
		const byRole = await call(
			world.domainAdmin,
			accountParams(world.d1, { roleid: "00000000-0000-4000-8000-000000000001" }),
		);
		expectDenied(byRole, "createAccount");
		const elsewhere = await call(world.domainAdmin, accountParams(world.rootDomainId, { accounttype: "0" }));
		expectDenied(elsewhere, "createAccount");
	});

	it("a domain admin may not create a resource admin, a more privileged type (531)", async () => {
		expectDenied(await call(world.domainAdmin, accountParams(world.d1, { accounttype: "3" })), "createAccount");
	});

	it("a domain admin may create another domain admin in its subtree", async () => {
		const created = ok(await call(world.domainAdmin, accountParams(world.sub, { accounttype: "2" })), "createAccount");
		expect(created.account).toMatchObject({ accounttype: 2, roletype: "DomainAdmin" });
	});

	it("the read-only role gives account type 4, and account type 4 gives the read-only role", async () => {
		const byRole = await createAccount(world, world.d2, { roleid: READ_ONLY_ROLE_ID });
		const byType = await createAccount(world, world.d2, { accounttype: "4" });
		for (const { accountId } of [byRole, byType]) {
			const [account] = await listItems(world.root, "listAccounts", "account", { id: accountId });
			expect(account).toMatchObject({
				accounttype: 4,
				roleid: READ_ONLY_ROLE_ID,
				rolename: "Read-Only Admin - Default",
			});
		}
	});

	it("writes an ACCOUNT.CREATE event", async () => {
		const created = await createAccount(world, world.d2);
		const events = await listItems(world.root, "listEvents", "event", { type: "ACCOUNT.CREATE", listall: "true" });
		expect(events).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ type: "ACCOUNT.CREATE", resourceid: created.accountId, username: "admin" }),
			]),
		);
	});
});

describe("updateAccount", () => {
	it("refuses renaming to a name taken in the domain (431)", async () => {
		const first = await createAccount(world, world.d2);
		const second = await createAccount(world, world.d2);
		const result = await call(world.root, {
			command: "updateAccount",
			id: second.accountId,
			newname: first.accountName,
		});
		expectParamError(result, "updateAccount", /already exists/);
	});

	it("finds the account by name and domain, too", async () => {
		const created = await createAccount(world, world.d1);
		const newname = unique("byname");
		const params = { command: "updateAccount", account: created.accountName, domainid: world.d1, newname };
		expect(ok(await call(world.domainAdmin, params), "updateAccount").account.name).toBe(newname);
	});
});

describe("disableAccount and enableAccount", () => {
	it("disabling ends the users' signed requests and sessions (401); enabling restores access", async () => {
		const actor = await createActor(world, world.d1);
		const session = await loginAs(actor.username, world.d1);
		expect((await call(actor, { command: "listAccounts" })).status).toBe(200);

		await runJob(world.domainAdmin, { command: "disableAccount", id: actor.accountId, lock: "false" });
		expect((await call(actor, { command: "listAccounts" })).status).toBe(401);
		expect((await session.call({ command: "listAccounts" })).status).toBe(401);
		await expect(loginAs(actor.username, world.d1)).rejects.toThrow(/login failed/);

		ok(await call(world.domainAdmin, { command: "enableAccount", id: actor.accountId }), "enableAccount");
		expect((await call(actor, { command: "listAccounts" })).status).toBe(200);
		const again = await loginAs(actor.username, world.d1);
		expect((await again.call({ command: "listAccounts" })).status).toBe(200);
	});

	it("lock=true locks the account and its keys stop working", async () => {
		const actor = await createActor(world, world.d2);
		const result = await runJob(world.root, { command: "disableAccount", id: actor.accountId, lock: "true" });
		expect(result.account.state).toBe("locked");
		expect((await call(actor, { command: "listUsers" })).status).toBe(401);
	});

	it("needs lock (431, synchronously)", async () => {
		const created = await createAccount(world, world.d2);
		const result = await call(world.root, { command: "disableAccount", id: created.accountId });
		expectParamError(result, "disableAccount");
		expect(result.body.disableaccountresponse.jobid).toBeUndefined();
	});

	it("refuses the caller's own account and the default admin account (531, synchronously)", async () => {
		const own = await call(world.domainAdmin, {
			command: "disableAccount",
			id: world.domainAdmin.accountId,
			lock: "false",
		});
		expectDenied(own, "disableAccount");
		const admin = await call(world.root, { command: "disableAccount", id: world.root.accountId, lock: "false" });
		expectDenied(admin, "disableAccount");
		expect((await call(world.domainAdmin, { command: "listAccounts" })).status).toBe(200);
	});
});

describe("deleteAccount", () => {
	it("removes the account and its users; their keys and sessions stop working", async () => {
		const actor = await createActor(world, world.d1);
		const session = await loginAs(actor.username, world.d1);
		expect(await runJob(world.domainAdmin, { command: "deleteAccount", id: actor.accountId })).toEqual({
			success: true,
		});
		expect((await call(actor, { command: "listAccounts" })).status).toBe(401);
		expect((await session.call({ command: "listAccounts" })).status).toBe(401);
		expect(await listItems(world.root, "listUsers", "user", { id: actor.userId })).toEqual([]);
	});

	it("answers an unknown id with 431 synchronously, without a job", async () => {
		const result = await call(world.root, { command: "deleteAccount", id: "00000000-0000-4000-8000-0000000000ff" });
		expectParamError(result, "deleteAccount");
	});

	it("refuses the default admin account (531)", async () => {
		expectDenied(await call(world.root, { command: "deleteAccount", id: world.root.accountId }), "deleteAccount");
	});

	it("a user cannot read another account's job (431, as if it did not exist)", async () => {
		const created = await createAccount(world, world.d1);
		const started = await call(world.root, { command: "deleteAccount", id: created.accountId });
		const job = await jobResult(world.root, started, "deleteAccount");
		expect(job.jobstatus).toBe(1);
		const peek = await call(world.alice, { command: "queryAsyncJobResult", jobid: job.jobid });
		expectParamError(peek, "queryAsyncJobResult");
	});
});

describe("unauthenticated", () => {
	it("an unsigned createAccount gets 401", async () => {
		const result = await request({ ...accountParams(world.d1), response: "json" }, { method: "POST" });
		expect(result.status).toBe(401);
	});
});
