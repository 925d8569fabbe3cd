/**
 * The console's Roles page in a real browser (the harness of console.test.ts): create a role as a
 * copy of User; in its permissions drawer a refused rule comes back under its field with the text
 * kept, then a deny rule for listVirtualMachines and an allow rule go in, one is moved up and one
 * switched to deny, and the API lists them in that order; the role is deleted; a refused delete of
 * a default role shows the API's error in its dialog. Screenshots: test-results/console/roles*.png.
 *
 * Needs `npm run build:console`.
 */
import type { Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, type Json, startConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
const ROLE = "console-helpdesk";
let roleId = "";

const page = () => h.page;
/** playwright-core has no auto-waiting `expect`: these wait as Playwright's assertions do. */
const visible = (locator: Locator, timeout = 15_000) => locator.waitFor({ state: "visible", timeout });
const hidden = (locator: Locator, timeout = 15_000) => locator.waitFor({ state: "hidden", timeout });
const poll = <T>(probe: () => Promise<T>, timeout = 15_000) => expect.poll(probe, { timeout, interval: 200 });
const main = () => page().getByRole("main");
const dialog = (name: string | RegExp) => page().getByRole("dialog", { name });
const heading = (name: string) => main().getByRole("heading", { level: 2, name }).first();
/** The table row whose cells include `text` exactly. */
const row = (text: string, scope: Locator = main()) =>
	scope.getByRole("row").filter({ has: page().getByRole("cell", { name: text, exact: true }) });

/** The accessible description of an input (Mantine's description and error). */
async function description(locator: Locator): Promise<string> {
	const ids = ((await locator.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
	const texts = await Promise.all(ids.map((id) => page().locator(`[id="${id}"]`).textContent()));
	return texts.join(" ");
}

async function choose(scope: Locator, label: string, option: string | RegExp) {
	await scope.getByRole("combobox", { name: label, exact: true }).click();
	await page().getByRole("option", { name: option }).first().click();
}

async function rules(): Promise<string[]> {
	const answer = await h.api("listRolePermissions", { roleid: roleId });
	return (answer.rolepermission ?? []).map((r: Json) => `${r.permission} ${r.rule}`);
}

beforeAll(async () => {
	h = await startConsoleHarness();
});

afterEach(async (context) => {
	if (h && context.task.result?.state === "fail") {
		await h.shot(`failed-roles-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
	}
});

afterAll(async () => {
	if (h && (h.pageErrors.length > 0 || h.consoleErrors.length > 0)) {
		console.log(`page errors: ${JSON.stringify(h.pageErrors)}\nconsole errors: ${JSON.stringify(h.consoleErrors)}`);
	}
	await h?.dispose();
});

describe("the Roles page", () => {
	it("logs in and opens Roles", async () => {
		await page().goto(h.consoleUrl);
		await page().getByRole("textbox", { name: "Username" }).fill("admin");
		await page().getByRole("textbox", { name: "Password" }).fill(h.adminPassword);
		await page().getByRole("button", { name: "Log in", exact: true }).click();
		// A fresh cloud has no zone: the wizard opens once after login; leave it for Roles.
		await visible(heading("Installation"), 20_000);
		await page().evaluate(`location.hash = "/roles"`);
		await visible(heading("Roles"));
		await visible(row("Default user role"));
	});

	it("creates a role as a copy of User", async () => {
		await page().getByRole("button", { name: "Add role", exact: true }).click();
		const form = dialog("Add role");
		await visible(form);
		await form.getByRole("textbox", { name: "Name" }).fill(ROLE);
		await form.getByText("A copy of a role").click();
		await choose(form, "Copy from role", /^User \(User\)$/);
		await form.getByRole("textbox", { name: "Description" }).fill("first line support");
		await form.getByRole("button", { name: "Add role", exact: true }).click();
		await hidden(form);
		await visible(row(ROLE));
		const [role] = (await h.api("listRoles", { name: ROLE })).role ?? [];
		expect(role).toMatchObject({ name: ROLE, type: "User", description: "first line support", isdefault: false });
		roleId = role.id;
	});

	it("adds rules in the drawer: a refused rule stays typed under its field, then a deny and an allow rule", async () => {
		await row(ROLE)
			.getByRole("button", { name: `Permissions of ${ROLE}` })
			.click();
		const drawer = dialog(`Permissions of ${ROLE}`);
		await visible(drawer);
		const ruleField = drawer.getByRole("textbox", { name: "Rule", exact: false }).first();

		await ruleField.fill("list vms");
		await drawer.getByRole("button", { name: "Add rule" }).click();
		await poll(() => ruleField.getAttribute("aria-invalid")).toBe("true");
		await poll(() => description(ruleField)).toMatch(/invalid rule provided: list vms/);
		expect(await ruleField.inputValue()).toBe("list vms");
		expect(await rules()).toEqual([]);

		await ruleField.fill("listVirtualMachines");
		await choose(drawer, "Permission", "Deny");
		await drawer.getByRole("textbox", { name: "Rule description" }).fill("no instance list");
		await drawer.getByRole("button", { name: "Add rule" }).click();
		await visible(row("listVirtualMachines", drawer));
		await poll(() => ruleField.inputValue()).toBe("");

		await ruleField.fill("list*");
		await choose(drawer, "Permission", "Allow");
		await drawer.getByRole("button", { name: "Add rule" }).click();
		await visible(row("list*", drawer));
		await poll(rules).toEqual(["deny listVirtualMachines", "allow list*"]);
	});

	it("moves a rule up and switches another, and the API lists them in that order", async () => {
		const drawer = dialog(`Permissions of ${ROLE}`);
		await drawer.getByRole("button", { name: "Move rule list* up" }).click();
		await poll(rules).toEqual(["allow list*", "deny listVirtualMachines"]);
		await poll(() => drawer.getByRole("button", { name: "Move rule list* up" }).isDisabled()).toBe(true);

		await choose(drawer, "Permission of rule list*", "Deny");
		await poll(rules).toEqual(["deny list*", "deny listVirtualMachines"]);
		await drawer.getByRole("button", { name: "Move rule listVirtualMachines up" }).click();
		await poll(rules).toEqual(["deny listVirtualMachines", "deny list*"]);
		await h.shot("roles-permissions");

		// Deleting a rule asks first.
		await row("list*", drawer).getByRole("button", { name: "Delete" }).click();
		const confirm = dialog("Delete rule list*");
		await visible(confirm);
		await confirm.getByRole("button", { name: "Delete" }).click();
		await hidden(confirm);
		await poll(rules).toEqual(["deny listVirtualMachines"]);
		await page().keyboard.press("Escape");
		await hidden(drawer);
		await h.shot("roles");
		expect(h.pageErrors).toEqual([]);
	});

	it("deletes the role after confirming", async () => {
		await row(ROLE).getByRole("button", { name: "Delete" }).click();
		const confirm = dialog(`Delete role ${ROLE}`);
		await visible(confirm);
		await confirm.getByRole("button", { name: "Delete" }).click();
		await hidden(confirm);
		await hidden(row(ROLE));
		expect((await h.api("listRoles", { name: ROLE })).role ?? []).toEqual([]);
	});

	it("shows the API's refusal when deleting a default role, which stays", async () => {
		await row("Default user role").getByRole("button", { name: "Delete" }).click();
		const confirm = dialog("Delete role User");
		await visible(confirm);
		await confirm.getByRole("button", { name: "Delete" }).click();
		await visible(confirm.getByRole("alert").filter({ hasText: "Default roles cannot be deleted" }));
		await h.shot("roles-default-refused");
		await confirm.getByRole("button", { name: "Cancel" }).click();
		await hidden(confirm);
		await visible(row("Default user role"));
		expect(((await h.api("listRoles", { name: "User" })).role ?? []).length).toBe(1);
		expect(h.pageErrors).toEqual([]);
	});
});
