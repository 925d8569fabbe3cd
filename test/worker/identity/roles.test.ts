/**
 * Roles, discovery, events and configuration: the access matrix across the five roles for
 * listRoles, listRolePermissions, listApis, listEvents, listConfigurations and updateConfiguration.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { login } from "../../helpers/api";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	describeMatrix,
	expectNotAvailable,
	listItems,
	READ_ONLY_ROLE_ID,
	unavailable,
	type World,
} from "../../helpers/identity-fixtures";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
	// USER.LOGIN events for listEvents to find.
	await login("alice", "pw-alice", { domain: "/d1/" });
	await login("carol", "pw-carol", { domain: "/d2/" });
});

const BUILT_IN_ROLES = ["Root Admin", "Resource Admin", "Domain Admin", "User", "Read-Only Admin - Default"];

function rolesOfTypes(types: string[]): Case {
	return {
		scenario: `sees roles of types ${types.join(", ")}`,
		expect: "allowed",
		run: (_w, a) => call(a, { command: "listRoles" }),
		verify: (_w, r) => {
			const roles: { type: string }[] = r.body.listrolesresponse.role;
			expect(new Set(roles.map((role) => role.type))).toEqual(new Set(types));
		},
	};
}

const readOnlyRules: Case = {
	scenario: "of the read-only role",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listRolePermissions", roleid: READ_ONLY_ROLE_ID }),
	verify: (_w, r) => {
		const rules: { rule: string; permission: string }[] = r.body.listrolepermissionsresponse.rolepermission;
		expect(rules.map(({ rule, permission }) => `${permission} ${rule}`)).toEqual([
			"allow list*",
			"allow get*",
			"allow query*",
			"allow find*",
			"allow logout",
			"deny *",
		]);
	},
};

function apis(includes: string[], excludes: string[]): Case {
	return {
		scenario: `lists ${includes.join(", ")} but not ${excludes.join(", ")}`,
		expect: "allowed",
		run: (_w, a) => call(a, { command: "listApis" }),
		verify: (_w, r) => {
			const names = r.body.listapisresponse.api.map((api: { name: string }) => api.name);
			expect(names).toEqual(expect.arrayContaining(includes));
			for (const name of excludes) expect(names).not.toContain(name);
		},
	};
}

function logins(scenario: string, sees: (w: World) => string[], hidden: (w: World) => string[], all = true): Case {
	return {
		scenario,
		expect: "allowed",
		run: (_w, a) => call(a, { command: "listEvents", type: "USER.LOGIN", ...(all ? { listall: "true" } : {}) }),
		verify: (w, r) => {
			const events: { resourceid: string }[] = r.body.listeventsresponse.event ?? [];
			const ids = events.map((e) => e.resourceid);
			expect(ids).toEqual(expect.arrayContaining(sees(w)));
			for (const id of hidden(w)) expect(ids).not.toContain(id);
		},
	};
}

const configs: Case = {
	scenario: "reads session.timeout",
	expect: "allowed",
	run: (_w, a) => call(a, { command: "listConfigurations", name: "session.timeout" }),
	verify: (_w, r) =>
		expect(r.body.listconfigurationsresponse.configuration).toMatchObject([
			{ name: "session.timeout", value: "1800", defaultvalue: "1800" },
		]),
};

const SETTING = { command: "updateConfiguration", name: "login.source.window.seconds", value: "901" };
const blockedUpdate: Case = {
	...unavailable("updateConfiguration", { ...SETTING, value: "77" }),
	verify: async (w) => {
		const [setting] = await listItems(w.root, "listConfigurations", "configuration", { name: SETTING.name });
		expect(setting.value).not.toBe("77");
	},
};

const alice = (w: World) => [w.alice.userId];
const carol = (w: World) => [w.carol.userId];

const matrix: Record<string, CommandMatrix> = {
	listRoles: {
		RootAdmin: [
			{
				scenario: "sees the five built-in roles",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "listRoles" }),
				verify: (_w, r) =>
					expect(r.body.listrolesresponse.role.map((role: { name: string }) => role.name)).toEqual(
						expect.arrayContaining(BUILT_IN_ROLES),
					),
			},
		],
		ResourceAdmin: [rolesOfTypes(["ResourceAdmin", "DomainAdmin", "User"])],
		DomainAdmin: [rolesOfTypes(["DomainAdmin", "User"])],
		User: [unavailable("listRoles")],
		ReadOnlyAdmin: [rolesOfTypes(["Admin", "ResourceAdmin", "DomainAdmin", "User"])],
	},
	listRolePermissions: {
		RootAdmin: [readOnlyRules],
		ReadOnlyAdmin: [readOnlyRules],
		ResourceAdmin: [unavailable("listRolePermissions")],
		DomainAdmin: [unavailable("listRolePermissions")],
		User: [unavailable("listRolePermissions")],
	},
	listApis: {
		RootAdmin: [apis(["updateConfiguration", "getUser", "createDomain"], [])],
		ResourceAdmin: [apis(["listRoles", "registerUserKeys", "listDomains"], ["createAccount", "getUser"])],
		DomainAdmin: [apis(["createAccount", "deleteDomain", "listRoles"], ["getUser", "listRolePermissions"])],
		User: [apis(["listUsers", "updateUser", "getUserKeys"], ["listRoles", "createAccount", "listConfigurations"])],
		ReadOnlyAdmin: [
			apis(["listAccounts", "getUser", "listConfigurations"], ["createAccount", "updateUser", "registerUserKeys"]),
		],
	},
	listEvents: {
		RootAdmin: [
			logins(
				"with listall=true sees every login",
				(w) => [...alice(w), ...carol(w)],
				() => [],
			),
		],
		ReadOnlyAdmin: [
			logins(
				"with listall=true sees every login",
				(w) => [...alice(w), ...carol(w)],
				() => [],
			),
		],
		DomainAdmin: [logins("with listall=true sees logins in its subtree only", alice, carol)],
		ResourceAdmin: [logins("with listall=true sees logins in its subtree only", alice, carol)],
		User: [logins("sees its own account's logins only", alice, carol, false)],
	},
	listConfigurations: {
		RootAdmin: [configs],
		ReadOnlyAdmin: [configs],
		ResourceAdmin: [unavailable("listConfigurations")],
		DomainAdmin: [unavailable("listConfigurations")],
		User: [unavailable("listConfigurations")],
	},
	updateConfiguration: {
		ResourceAdmin: [blockedUpdate],
		DomainAdmin: [blockedUpdate],
		User: [blockedUpdate],
		ReadOnlyAdmin: [blockedUpdate],
		RootAdmin: [
			{
				scenario: "changes a setting",
				expect: "allowed",
				run: (_w, a) => call(a, SETTING),
				verify: async (w, r) => {
					expect(r.body.updateconfigurationresponse.configuration).toMatchObject({ name: SETTING.name, value: "901" });
					const [setting] = await listItems(w.root, "listConfigurations", "configuration", { name: SETTING.name });
					expect(setting.value).toBe("901");
				},
			},
		],
	},
};

describeMatrix("role, discovery, event and configuration commands × roles", () => world, matrix);

describe("the read-only admin", () => {
	it("is offered only read commands (list/get/query/find) and login/logout by listApis", async () => {
		const names: string[] = (await listItems(world.readOnly, "listApis", "api")).map((a) => a.name);
		expect(names.length).toBeGreaterThan(10);
		for (const name of names) expect(name).toMatch(/^(list|get|query|find)\w+$|^log(in|out)$/);
	});

	it("gets the same 432 through a login session", async () => {
		const session = await login("roadmin", "pw-roadmin");
		expectNotAvailable(await session.call({ command: "createAccount" }, "POST"), "createAccount", world.readOnly);
		expect((await session.call({ command: "listAccounts" })).status).toBe(200);
	});

	it("gets 432 for every state-changing identity command", async () => {
		const commands = ["createDomain", "updateAccount", "disableUser", "enableUser", "updateUser", "registerUserKeys"];
		for (const command of commands) {
			expectNotAvailable(await call(world.readOnly, { command }), command, world.readOnly);
		}
	});
});

describe("events and scope", () => {
	it("login writes a USER.LOGIN event owned by the user", async () => {
		const session = await login("bob", "pw-bob", { domain: "/d1/" });
		const events = await listItems(world.bob, "listEvents", "event", { type: "USER.LOGIN" });
		expect(events[0]).toMatchObject({ type: "USER.LOGIN", resourceid: session.userid, account: "bob" });
	});

	it("an unknown command is a 401 when signed, a 432 in a session (the root admin is told it is unknown)", async () => {
		expect((await call(world.root, { command: "listNothing" })).status).toBe(401);
		const admin = await login();
		const root = await admin.call({ command: "listNothing" });
		expect(root.status).toBe(432);
		expect(root.body.errorresponse.errortext).toBe("Unknown API command: listNothing");
		const alice = await login("alice", "pw-alice", { domain: "/d1/" });
		expectNotAvailable(await alice.call({ command: "listNothing" }), "listNothing", world.alice);
	});

	it("a user's listEvents never shows another account's events, even with listall", async () => {
		const events = await listItems(world.alice, "listEvents", "event", { listall: "true" });
		for (const e of events) expect(e.account).toBe("alice");
	});

	it.each([
		["DomainAdmin", () => world.domainAdmin],
		["ResourceAdmin", () => world.resourceAdmin],
	])("%s listRoles never shows the Admin roles", async (_name, actor: () => Actor) => {
		const roles = await listItems(actor(), "listRoles", "role");
		expect(roles.map((r) => r.name)).not.toContain("Root Admin");
		expect(roles.map((r) => r.name)).not.toContain("Read-Only Admin - Default");
	});
});
