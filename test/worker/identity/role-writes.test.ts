/**
 * Role writes: createRole (by type or as a copy), updateRole, deleteRole and the rule commands
 * createRolePermission, updateRolePermission (reorder, change one rule), deleteRolePermission; who
 * may call them, CloudStack's refusals, and rules taking effect on an account's next request.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	type Actor,
	buildWorld,
	type Case,
	type CommandMatrix,
	call,
	createActor,
	describeMatrix,
	expectDenied,
	expectNotAvailable,
	expectParamError,
	listItems,
	ok,
	READ_ONLY_ROLE_ID,
	unavailable,
	unique,
	type World,
} from "../../helpers/identity-fixtures";

const USER_ROLE_ID = "00000000-0000-4000-8000-000000000004";

let world: World;
beforeAll(async () => {
	world = await buildWorld();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
async function createRole(params: Record<string, string>): Promise<any> {
	return ok(await call(world.root, { command: "createRole", name: unique("role"), ...params }), "createRole").role;
}

async function addRule(roleid: string, rule: string, permission: string, description = ""): Promise<string> {
	const result = await call(world.root, { command: "createRolePermission", roleid, rule, permission, description });
	return ok(result, "createRolePermission").rolepermission.id;
}

async function rulesOf(roleid: string): Promise<string[]> {
	const rules = await listItems(world.root, "listRolePermissions", "rolepermission", { roleid });
	return rules.map((r: { rule: string; permission: string }) => `${r.permission} ${r.rule}`);
}

async function rolesNamed(name: string) {
	return listItems(world.root, "listRoles", "role", { name });
}

async function eventsOf(type: string, resourceid: string) {
	const events = await listItems(world.root, "listEvents", "event", { type, listall: "true" });
	return events.filter((e: { resourceid: string }) => e.resourceid === resourceid);
}

/** A refusal that must leave no role behind. */
function refusedCreate(scenario: string, expect: 432 | 531): Case {
	const name = unique("refused");
	return {
		scenario,
		expect,
		run: (_w, a) => call(a, { command: "createRole", name, type: "User" }),
		verify: async () => expectNothing(name),
	};
}

async function expectNothing(name: string) {
	expect(await rolesNamed(name)).toEqual([]);
}

const matrix: Record<string, CommandMatrix> = {
	createRole: {
		RootAdmin: [
			{
				scenario: "of type User",
				expect: "allowed",
				run: (_w, a) => call(a, { command: "createRole", name: "matrix-role", type: "user" }),
				verify: async (_w, r) => {
					const role = r.body.createroleresponse.role;
					expect(role).toMatchObject({ name: "matrix-role", type: "User", isdefault: false, ispublic: true });
					expect(await rolesNamed("matrix-role")).toMatchObject([{ id: role.id, type: "User" }]);
				},
			},
		],
		ResourceAdmin: [refusedCreate("", 432)],
		DomainAdmin: [refusedCreate("", 432)],
		User: [refusedCreate("", 432)],
		ReadOnlyAdmin: [refusedCreate("", 432)],
	},
	deleteRole: {
		RootAdmin: [
			{
				scenario: "of the built-in User role",
				expect: 531,
				run: (_w, a) => call(a, { command: "deleteRole", id: USER_ROLE_ID }),
				verify: async () => expect(await rolesNamed("User")).toHaveLength(1),
			},
		],
		ResourceAdmin: [unavailable("deleteRole", { id: USER_ROLE_ID })],
		DomainAdmin: [unavailable("deleteRole", { id: USER_ROLE_ID })],
		User: [unavailable("deleteRole", { id: USER_ROLE_ID })],
		ReadOnlyAdmin: [unavailable("deleteRole", { id: USER_ROLE_ID })],
	},
	createRolePermission: {
		RootAdmin: [
			{
				scenario: "on the read-only built-in role",
				expect: 531,
				run: (_w, a) =>
					call(a, { command: "createRolePermission", roleid: READ_ONLY_ROLE_ID, rule: "deployX", permission: "allow" }),
				verify: async () => expect(await rulesOf(READ_ONLY_ROLE_ID)).not.toContain("allow deployX"),
			},
		],
		ResourceAdmin: [unavailable("createRolePermission", { roleid: USER_ROLE_ID, rule: "x", permission: "allow" })],
		DomainAdmin: [unavailable("createRolePermission", { roleid: USER_ROLE_ID, rule: "x", permission: "allow" })],
		User: [unavailable("createRolePermission", { roleid: USER_ROLE_ID, rule: "x", permission: "allow" })],
		ReadOnlyAdmin: [unavailable("createRolePermission", { roleid: USER_ROLE_ID, rule: "x", permission: "allow" })],
	},
};

describeMatrix("role write commands × roles", () => world, matrix);

describe("createRole", () => {
	it("creates a role of a type, with description and ispublic, and writes ROLE.CREATE", async () => {
		const role = await createRole({ type: "DomainAdmin", description: "helpdesk", ispublic: "false" });
		expect(role).toMatchObject({ type: "DomainAdmin", description: "helpdesk", ispublic: false, state: "Enabled" });
		expect(await rulesOf(role.id)).toEqual([]);
		expect(await eventsOf("ROLE.CREATE", role.id)).toHaveLength(1);
	});

	it("copies a role's rules in their order when given roleid (and takes its type)", async () => {
		const role = await createRole({ roleid: READ_ONLY_ROLE_ID });
		expect(role.type).toBe("Admin");
		expect(await rulesOf(role.id)).toEqual(await rulesOf(READ_ONLY_ROLE_ID));
		expect(await rulesOf(role.id)).toHaveLength(6);
	});

	it.each([
		["neither type nor roleid", {}, /Neither role type nor role ID/],
		["both type and roleid", { type: "User", roleid: USER_ROLE_ID }, /Both role type and role ID/],
		["a bad type", { type: "Superuser" }, /Invalid role type provided: Superuser/],
		["an unknown roleid", { roleid: "11111111-2222-4333-8444-555555555555" }, /roleid/],
		["an empty name", { name: "  ", type: "User" }, /parameter name/],
		["a name in use (any case)", { name: "user", type: "User" }, /already exists/],
	])("refuses %s with 431 and creates nothing", async (_what, extra: Record<string, string>, text) => {
		const name = unique("bad");
		const result = await call(world.root, { command: "createRole", name, ...extra });
		expectParamError(result, "createRole", text);
		await expectNothing(name);
	});
});

describe("updateRole and deleteRole", () => {
	it("renames a role and changes its description; writes ROLE.UPDATE", async () => {
		const role = await createRole({ type: "User" });
		const name = unique("renamed");
		const result = await call(world.root, { command: "updateRole", id: role.id, name, description: "new text" });
		expect(ok(result, "updateRole").role).toMatchObject({ id: role.id, name, description: "new text", type: "User" });
		expect(await rolesNamed(name)).toMatchObject([{ id: role.id, description: "new text" }]);
		expect(await eventsOf("ROLE.UPDATE", role.id)).toHaveLength(1);
	});

	it("refuses to rename a default role (531), which keeps its name", async () => {
		const result = await call(world.root, { command: "updateRole", id: USER_ROLE_ID, name: "Everyone" });
		expectDenied(result, "updateRole");
		expect(result.body.updateroleresponse.errortext).toMatch(/Default roles cannot be updated/);
		expect(await rolesNamed("User")).toMatchObject([{ id: USER_ROLE_ID }]);
	});

	it("refuses a name another role has (431)", async () => {
		const role = await createRole({ type: "User" });
		expectParamError(
			await call(world.root, { command: "updateRole", id: role.id, name: "Domain Admin" }),
			"updateRole",
			/already exists/,
		);
		expect(await rolesNamed(role.name)).toHaveLength(1);
	});

	it("deletes an unused role with its rules; writes ROLE.DELETE", async () => {
		const role = await createRole({ type: "User" });
		await addRule(role.id, "list*", "allow");
		ok(await call(world.root, { command: "deleteRole", id: role.id }), "deleteRole");
		expect(await rolesNamed(role.name)).toEqual([]);
		expectParamError(
			await call(world.root, { command: "listRolePermissions", roleid: role.id }),
			"listRolePermissions",
			/roleid/,
		);
		expect(await eventsOf("ROLE.DELETE", role.id)).toHaveLength(1);
	});

	it("refuses to delete a role an account uses (531) and keeps role and rules", async () => {
		const role = await createRole({ type: "User" });
		await addRule(role.id, "listZones", "deny");
		await createActor(world, world.d1, { roleid: role.id });
		const result = await call(world.root, { command: "deleteRole", id: role.id });
		expectDenied(result, "deleteRole");
		expect(result.body.deleteroleresponse.errortext).toMatch(/role in use/);
		expect(await rolesNamed(role.name)).toHaveLength(1);
		expect(await rulesOf(role.id)).toEqual(["deny listZones"]);
	});

	it("refuses a type change while accounts use the role", async () => {
		const role = await createRole({ type: "User" });
		await createActor(world, world.d1, { roleid: role.id });
		expectDenied(await call(world.root, { command: "updateRole", id: role.id, type: "Admin" }), "updateRole");
		expect((await rolesNamed(role.name))[0].type).toBe("User");
	});
});

describe("role permissions", () => {
	it("adds rules at the end, reorders them with ruleorder and changes one with ruleid+permission", async () => {
		const role = await createRole({ type: "User" });
		const a = await addRule(role.id, "listZones", "allow", "zones");
		const b = await addRule(role.id, "list*", "deny");
		const c = await addRule(role.id, "createTags", "ALLOW");
		expect(await rulesOf(role.id)).toEqual(["allow listZones", "deny list*", "allow createTags"]);
		const reorder = await call(world.root, {
			command: "updateRolePermission",
			roleid: role.id,
			ruleorder: [c, a, b].join(","),
		});
		expect(ok(reorder, "updateRolePermission").success).toBe(true);
		expect(await rulesOf(role.id)).toEqual(["allow createTags", "allow listZones", "deny list*"]);
		const change = await call(world.root, {
			command: "updateRolePermission",
			roleid: role.id,
			ruleid: a,
			permission: "deny",
		});
		ok(change, "updateRolePermission");
		expect(await rulesOf(role.id)).toEqual(["allow createTags", "deny listZones", "deny list*"]);
		ok(await call(world.root, { command: "deleteRolePermission", id: c }), "deleteRolePermission");
		expect(await rulesOf(role.id)).toEqual(["deny listZones", "deny list*"]);
		for (const type of ["ROLE.PERMISSION.CREATE", "ROLE.PERMISSION.UPDATE", "ROLE.PERMISSION.DELETE"]) {
			expect((await eventsOf(type, role.id)).length, type).toBeGreaterThan(0);
		}
	});

	it.each([
		["a rule with a space", { rule: "list vms", permission: "allow" }, /invalid rule provided/],
		["a rule with punctuation", { rule: "list;drop", permission: "allow" }, /invalid rule provided/],
		["a permission that is neither allow nor deny", { rule: "listZones", permission: "maybe" }, /permission/],
		["a rule the role already has", { rule: "LISTHOSTS", permission: "deny" }, /already exists/],
	])("createRolePermission refuses %s with 431 and adds nothing", async (_what, extra, text) => {
		const role = await createRole({ type: "User" });
		await addRule(role.id, "listHosts", "allow");
		expectParamError(
			await call(world.root, { command: "createRolePermission", roleid: role.id, ...extra }),
			"createRolePermission",
			text,
		);
		expect(await rulesOf(role.id)).toEqual(["allow listHosts"]);
	});

	it("updateRolePermission refuses an incomplete or foreign ruleorder and mixed parameters, changing nothing", async () => {
		const role = await createRole({ type: "User" });
		const a = await addRule(role.id, "listZones", "allow");
		const b = await addRule(role.id, "listHosts", "deny");
		const other = await createRole({ roleid: READ_ONLY_ROLE_ID });
		const [foreign] = await listItems(world.root, "listRolePermissions", "rolepermission", { roleid: other.id });
		const attempts: Record<string, string>[] = [
			{ ruleorder: b },
			{ ruleorder: `${b},${b}` },
			{ ruleorder: `${b},${foreign.id}` },
			{ ruleorder: `${b},${a}`, ruleid: a, permission: "deny" },
			{ ruleid: a },
			{ ruleid: foreign.id, permission: "deny" },
			{ ruleid: a, permission: "sometimes" },
		];
		for (const attempt of attempts) {
			const result = await call(world.root, { command: "updateRolePermission", roleid: role.id, ...attempt });
			expectParamError(result, "updateRolePermission");
		}
		expect(await rulesOf(role.id)).toEqual(["allow listZones", "deny listHosts"]);
		expect(await rulesOf(other.id)).toEqual(await rulesOf(READ_ONLY_ROLE_ID));
	});

	it("refuses rule changes on default roles (531)", async () => {
		const [rule] = await listItems(world.root, "listRolePermissions", "rolepermission", { roleid: READ_ONLY_ROLE_ID });
		expectDenied(await call(world.root, { command: "deleteRolePermission", id: rule.id }), "deleteRolePermission");
		expectDenied(
			await call(world.root, {
				command: "updateRolePermission",
				roleid: READ_ONLY_ROLE_ID,
				ruleid: rule.id,
				permission: "deny",
			}),
			"updateRolePermission",
		);
		expect((await rulesOf(READ_ONLY_ROLE_ID))[0]).toBe("allow list*");
	});

	it("a non-admin gets 432 for every rule write", async () => {
		for (const command of ["updateRole", "createRolePermission", "updateRolePermission", "deleteRolePermission"]) {
			expectNotAvailable(await call(world.domainAdmin, { command }), command, world.domainAdmin);
		}
	});
});

describe("rules take effect on the next request", () => {
	let role: { id: string };
	let member: Actor;
	beforeAll(async () => {
		role = await createRole({ roleid: USER_ROLE_ID });
		member = await createActor(world, world.d1, { roleid: role.id });
	});

	async function apiNames(): Promise<string[]> {
		return (await listItems(member, "listApis", "api")).map((a: { name: string }) => a.name);
	}

	it("a deny rule blocks the command at once, and listApis stops offering it", async () => {
		expect((await call(member, { command: "listVirtualMachines" })).status).toBe(200);
		expect(await apiNames()).toContain("listVirtualMachines");
		const rule = await addRule(role.id, "listVirtualMachines", "deny");
		expectNotAvailable(await call(member, { command: "listVirtualMachines" }), "listVirtualMachines", member);
		expect(await apiNames()).not.toContain("listVirtualMachines");
		// Switching the rule to allow lets it through again on the next call.
		ok(
			await call(world.root, { command: "updateRolePermission", roleid: role.id, ruleid: rule, permission: "allow" }),
			"updateRolePermission",
		);
		expect((await call(member, { command: "listVirtualMachines" })).status).toBe(200);
	});

	it("rule order decides: the first matching rule wins after a reorder", async () => {
		const allow = await addRule(role.id, "listZones", "allow");
		const deny = await addRule(role.id, "listZ*", "deny");
		expect((await call(member, { command: "listZones" })).status).toBe(200);
		const rules = await listItems(world.root, "listRolePermissions", "rolepermission", { roleid: role.id });
		const others = rules.map((r: { id: string }) => r.id).filter((id: string) => id !== allow && id !== deny);
		ok(
			await call(world.root, {
				command: "updateRolePermission",
				roleid: role.id,
				ruleorder: [deny, allow, ...others].join(","),
			}),
			"updateRolePermission",
		);
		expectNotAvailable(await call(member, { command: "listZones" }), "listZones", member);
		ok(await call(world.root, { command: "deleteRolePermission", id: deny }), "deleteRolePermission");
		expect((await call(member, { command: "listZones" })).status).toBe(200);
	});
});
