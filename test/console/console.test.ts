/**
 * The web console in a real browser (headless Debian Chromium through playwright-core) against a
 * fresh private Worker serving the built console, with a local relay agent on the simulator: one
 * ordered flow, as an operator would go through it on a new cloud. Log in; the installation wizard
 * opens by itself (no zone yet) and runs to the end, after one refused step (its API error next to
 * its field, nothing typed lost); register a template; deploy an instance and watch it reach
 * Running; stop it; generate API keys (the secret shown once, nothing in browser storage); create
 * a webhook, test it, and see an event's delivery in its log; a screenshot of every main page
 * (test-results/console/<page>.png) with its heading and no page error; log out; and a session
 * ended elsewhere sends the next navigation to the login page with a notice.
 *
 * Elements are found the way a user finds them: by role and label. Needs `npm run build:console`.
 */
import type { Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signedCall } from "../clients/api.ts";
import { type ConsoleHarness, type Json, startConsoleHarness } from "./harness.ts";

let h: ConsoleHarness;
const NEW_PASSWORD = `Console-${Math.random().toString(36).slice(2, 10)}!`;
const ZONE = "console-zone";
const TEMPLATE = "console-tpl";
const OFFERING = "console-small";
const VM = "console-vm";
const USER = "console-user";
const WEBHOOK = "console-hook";
/** What the flow created, for the later steps and the screenshots. */
const made: { zoneId?: string; templateId?: string; vmId?: string; webhookId?: string } = {};

const page = () => h.page;
/** playwright-core has no auto-waiting `expect`: these wait as Playwright's assertions do. */
const visible = (locator: Locator, timeout = 15_000) => locator.waitFor({ state: "visible", timeout });
const hidden = (locator: Locator, timeout = 15_000) => locator.waitFor({ state: "hidden", timeout });
const poll = <T>(probe: () => Promise<T>, timeout = 15_000) => expect.poll(probe, { timeout, interval: 200 });
/** The accessible description of an input: the texts its aria-describedby points at (Mantine's description and error). */
async function description(locator: Locator): Promise<string> {
	const ids = ((await locator.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
	const texts = await Promise.all(ids.map((id) => page().locator(`[id="${id}"]`).textContent()));
	return texts.join(" ");
}
const main = () => page().getByRole("main");
const dialog = () => page().getByRole("dialog");

/** Goes to a hash route the way the console's own links do (a reload would end the in-memory session). */
async function go(route: string): Promise<void> {
	await page().evaluate(`location.hash = ${JSON.stringify(route)}`);
}

/** A text input (Mantine appends " *" to required labels, so names match as substrings). */
function field(name: string, scope: { getByRole: Locator["getByRole"] } = page(), exact = false): Locator {
	return scope.getByRole("textbox", { name, exact });
}

/** Picks `option` in the Mantine Select labelled `label` (a combobox with a listbox in a portal). */
async function choose(label: string, option: string | RegExp, scope: { getByRole: Locator["getByRole"] } = page()) {
	await scope.getByRole("combobox", { name: label }).click();
	await page().getByRole("option", { name: option }).first().click();
}

async function button(name: string, scope: { getByRole: Locator["getByRole"] } = page(), exact = true) {
	await scope.getByRole("button", { name, exact }).click();
}

async function logIn(password: string): Promise<void> {
	await field("Username").fill("admin");
	await field("Password").fill(password);
	await button("Log in");
	await visible(page().getByRole("button", { name: "Log out" }), 20_000);
}

/** The page's level-2 heading (every page has one title). */
function heading(name: string | RegExp): Locator {
	// (Pages are lazy chunks: the first visit of one waits for its script as well.)
	return main().getByRole("heading", { level: 2, name }).first();
}

/** Opens the deploy wizard and goes through zone and template to the offering, chosen. */
async function deployWizardAtOffering(offering: string) {
	await go("/instances");
	await visible(heading("Instances"));
	await main().getByRole("link", { name: "Deploy", exact: true }).click();
	await visible(heading("Deploy an instance"));
	await choose("Zone", new RegExp(ZONE));
	await button("Next");
	await choose("Template", new RegExp(TEMPLATE));
	await button("Next");
	await choose("Compute offering", new RegExp(offering));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await probe().catch(() => undefined);
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

beforeAll(async () => {
	h = await startConsoleHarness();
});

afterEach(async (context) => {
	// A failed step's screen is the quickest way to see why.
	if (h && context.task.result?.state === "fail") {
		await h.shot(`failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
	}
});

afterAll(async () => {
	if (h && (h.pageErrors.length > 0 || h.consoleErrors.length > 0)) {
		console.log(`page errors: ${JSON.stringify(h.pageErrors)}\nconsole errors: ${JSON.stringify(h.consoleErrors)}`);
	}
	await h?.dispose();
});

describe("the web console, on a fresh cloud", () => {
	it("logs in as admin, and the installation wizard opens by itself (no zone yet)", async () => {
		await page().goto(h.consoleUrl);
		await visible(page().getByRole("heading", { name: "flarestack" }));
		await h.shot("login");
		await logIn(h.adminPassword);
		await visible(heading("Installation"));
		expect(new URL(page().url()).hash).toBe("#/install");
		expect(h.pageErrors).toEqual([]);
	});

	it("runs the wizard: a refused guest range comes back on its field with everything typed kept, then Launch reaches ready", async () => {
		const p = page();
		await field("Current password").fill(h.adminPassword);
		await field("New password").fill(NEW_PASSWORD);
		await field("Confirm password").fill(NEW_PASSWORD);
		await h.shot("install-wizard");
		await button("Next");

		await field("Zone name").fill(ZONE);
		await field("IPv4 DNS 1").fill("8.8.8.8");
		await field("Internal DNS 1").fill("10.0.0.2");
		await button("Next");

		await field("Pod name").fill("console-pod");
		await field("Reserved system gateway").fill("10.1.0.1");
		await field("Reserved system netmask").fill("255.255.255.0");
		await field("Start reserved system IP").fill("10.1.0.10");
		await field("End reserved system IP").fill("10.1.0.50");
		await button("Next");

		// The end address is outside 10.1.0.0/24: the API refuses the range at Launch.
		await field("Guest gateway").fill("10.1.0.1");
		await field("Guest netmask").fill("255.255.255.0");
		await field("Guest start IP").fill("10.1.0.100");
		await field("Guest end IP").fill("10.1.1.20");
		await button("Next");

		await field("Cluster name").fill("console-cluster");
		await button("Next");

		await field("Host URL").fill("sim://h1?cpus=8&mhz=2000&memory=16G");
		await poll(() => field("Username").inputValue()).toBe("root");
		await button("Next");

		await field("Primary storage name").fill("console-primary");
		await field("Primary storage URL").fill("nfs://10.0.0.5/export/p1");
		await button("Next");

		await field("Secondary storage name").fill("console-secondary");
		await field("Secondary storage URL").fill("nfs://10.0.0.5/export/s1");
		await button("Next");

		// The password task logs in again with the new password and ends the other sessions.
		h.adminPassword = NEW_PASSWORD;
		await button("Launch");

		const endIp = field("Guest end IP");
		await visible(endIp, 30_000);
		await poll(() => endIp.getAttribute("aria-invalid")).toBe("true");
		await poll(() => description(endIp)).toMatch(/10\.1\.1\.20 is not in the subnet/);
		await visible(p.getByText(/The IP 10\.1\.1\.20 is not in the subnet 10\.1\.0\.0\/24/).first());
		await poll(() => endIp.inputValue()).toBe("10.1.1.20");
		await poll(() => field("Guest start IP").inputValue()).toBe("10.1.0.100");
		await poll(() => field("Guest gateway").inputValue()).toBe("10.1.0.1");
		await poll(() => field("Guest netmask").inputValue()).toBe("255.255.255.0");
		await h.shot("install-wizard-error");
		// Nothing after the refused step was created; the steps before it were.
		const zones = (await h.api("listZones", {})).zone ?? [];
		expect(zones.map((z: Json) => z.name)).toEqual([ZONE]);
		expect((await h.api("listClusters", {})).cluster ?? []).toEqual([]);

		await endIp.fill("10.1.0.199");
		await button("Launch");
		await visible(p.getByRole("heading", { name: "Your cloud is ready" }), 120_000);
		await h.shot("install-wizard-ready");

		const zone = (await h.api("listZones", {})).zone?.[0];
		made.zoneId = zone?.id;
		expect(zone?.allocationstate).toBe("Enabled");
		const hosts = (await h.api("listHosts", { zoneid: made.zoneId ?? "" })).host ?? [];
		expect(hosts.map((x: Json) => x.name)).toEqual(["h1"]);
		expect(((await h.api("listStoragePools", {})).storagepool ?? []).map((x: Json) => x.name)).toEqual([
			"console-primary",
		]);
		expect(((await h.api("listImageStores", {})).imagestore ?? []).map((x: Json) => x.name)).toEqual([
			"console-secondary",
		]);
		const range = (await h.api("listVlanIpRanges", { zoneid: made.zoneId ?? "" })).vlaniprange?.[0];
		expect([range?.startip, range?.endip]).toEqual(["10.1.0.100", "10.1.0.199"]);
		expect(h.pageErrors).toEqual([]);
	});

	it("registers a template from a URL and sees it reach Ready", async () => {
		await go("/templates");
		await visible(heading("Templates"));
		await button("Register template");
		const d = dialog();
		await field("Name", d).fill(TEMPLATE);
		await field("URL", d).fill(h.templateUrl);
		await choose("Zone", ZONE, d);
		await button("Register", d);
		await hidden(d);
		const row = main().getByRole("row", { name: new RegExp(TEMPLATE) });
		await visible(row);
		await visible(row.getByText("Ready", { exact: true }), 90_000);
		const template = (await h.api("listTemplates", { templatefilter: "all", name: TEMPLATE })).template?.[0];
		made.templateId = template?.id;
		expect(template?.isready).toBe(true);
		expect(h.images.requestsFor("console.qcow2").length).toBeGreaterThan(0);
		expect(h.pageErrors).toEqual([]);
	});

	it("deploys an instance through the deploy wizard and watches it reach Running", async () => {
		// The console has no service offering page: the offering comes from the API.
		await h.api("createServiceOffering", {
			name: OFFERING,
			displaytext: "1 vCPU, 256 MB",
			cpunumber: "1",
			cpuspeed: "500",
			memory: "256",
		});
		await deployWizardAtOffering(OFFERING);
		await button("Next");
		await button("Next"); // Disk: the template's size, no data disk.
		// Network: a Basic zone's one guest network is chosen by the wizard.
		await poll(() => page().getByRole("combobox", { name: "Network" }).inputValue()).not.toBe("");
		await button("Next");
		await field("Name", page(), true).fill(VM);
		await button("Next");
		await visible(main().getByRole("cell", { name: VM }));
		await h.shot("deploy-wizard");
		await button("Deploy");

		await visible(heading(VM), 60_000);
		await visible(main().getByText("Running", { exact: true }).first(), 90_000);
		const vm = (await h.api("listVirtualMachines", { name: VM, listall: "true" })).virtualmachine?.[0];
		made.vmId = vm?.id;
		expect(vm?.state).toBe("Running");
		expect(new URL(page().url()).hash).toBe(`#/instances/${made.vmId}`);
		await h.shot("instance-details");
		expect(h.pageErrors).toEqual([]);
	});

	it("deploys with a customized offering: a memory out of its bounds comes back on its field with the values kept, then Running", async () => {
		const CUSTOM_OFFERING = "console-custom";
		const CUSTOM_VM = "custom-vm";
		await h.api("createServiceOffering", {
			name: CUSTOM_OFFERING,
			displaytext: "custom CPU and memory",
			customized: "true",
			mincpunumber: "1",
			maxcpunumber: "2",
			minmemory: "256",
			maxmemory: "1024",
		});
		await deployWizardAtOffering(CUSTOM_OFFERING);
		expect(await description(field("Memory (MB)"))).toContain("Between 256 and 1024 MB");
		expect(await description(field("CPU cores"))).toContain("Between 1 and 2");
		await field("CPU cores").fill("1");
		await field("CPU speed (MHz)").fill("500");
		await field("Memory (MB)").fill("4096");
		await button("Next");
		await button("Next");
		await poll(() => page().getByRole("combobox", { name: "Network" }).inputValue()).not.toBe("");
		await button("Next");
		await field("Name", page(), true).fill(CUSTOM_VM);
		await button("Next");
		await button("Deploy");
		// Refused at once (431): back on the offering step, the error under Memory, everything kept.
		await poll(() => description(field("Memory (MB)"))).toMatch(/memory 4096 is outside the offering's bounds/);
		expect(await field("Memory (MB)").inputValue()).toBe("4096");
		expect(await field("CPU cores").inputValue()).toBe("1");
		expect(await field("CPU speed (MHz)").inputValue()).toBe("500");
		expect(await description(field("CPU cores"))).not.toMatch(/outside/);
		await h.shot("deploy-custom-refused");
		await field("Memory (MB)").fill("512");
		for (let step = 0; step < 4; step++) await button("Next");
		await visible(main().getByRole("cell", { name: CUSTOM_VM }));
		await button("Deploy");

		await visible(heading(CUSTOM_VM), 60_000);
		await visible(main().getByText("Running", { exact: true }).first(), 90_000);
		const vm = (await h.api("listVirtualMachines", { name: CUSTOM_VM, listall: "true" })).virtualmachine?.[0];
		expect(vm).toMatchObject({ state: "Running", cpunumber: 1, cpuspeed: 500, memory: 512 });
		expect(h.pageErrors).toEqual([]);
	});

	it("opens Migrate for the running instance: with one host (h1) it says there is no suitable host", async () => {
		await go(`/instances/${made.vmId}`);
		await visible(heading(VM));
		await visible(main().getByText("Running", { exact: true }).first());
		await button("Migrate", main());
		const d = dialog();
		await visible(d.getByText("No suitable host"));
		await visible(d.getByText(/No other host in the cluster of host h1/));
		expect(await d.getByRole("radio").count()).toBe(0);
		expect(await d.getByRole("button", { name: "Migrate", exact: true }).isDisabled()).toBe(true);
		// The API agrees: the cluster has no other host to offer.
		const found = await h.api("findHostsForMigration", { virtualmachineid: made.vmId ?? "" });
		expect(found.count ?? 0).toBe(0);
		await h.shot("migrate-dialog");
		await button("Cancel", d);
		await hidden(d);
		expect(h.pageErrors).toEqual([]);
	});

	it("stops the instance and sees Stopped", async () => {
		await visible(heading(VM));
		await button("Stop", main());
		await visible(main().getByText("Stopped", { exact: true }).first(), 60_000);
		const vm = (await h.api("listVirtualMachines", { id: made.vmId ?? "", listall: "true" })).virtualmachine?.[0];
		expect(vm?.state).toBe("Stopped");
		// The list shows it too.
		await go("/instances");
		const row = main().getByRole("row", { name: new RegExp(VM) });
		await visible(row.getByText("Stopped", { exact: true }));
		await h.shot("instances");
		expect(h.pageErrors).toEqual([]);
	});

	it("generates API keys for a user: the secret is shown once and kept nowhere in the browser", async () => {
		await h.api("createAccount", {
			accounttype: "0",
			email: `${USER}@example.com`,
			firstname: "Console",
			lastname: "User",
			username: USER,
			password: `pw-${Math.random().toString(36).slice(2)}`,
			account: USER,
		});
		await go("/users");
		await visible(heading("Users"));
		const row = main().getByRole("row", { name: new RegExp(USER) });
		await row.getByRole("button", { name: "Generate keys" }).click();
		await button("Generate", dialog());
		const secretBox = field("Secret key", dialog());
		await visible(secretBox);
		const secretKey = await secretBox.inputValue();
		const apiKey = await field("API key", dialog()).inputValue();
		expect(secretKey.length).toBeGreaterThan(20);
		expect(apiKey.length).toBeGreaterThan(20);
		await h.shot("users-keys-once");
		// The pair shown is the user's real one: a request signed with it is accepted.
		const signed = await signedCall(h.dev.apiUrl, { apiKey, secretKey }, "listUsers", {});
		expect(signed.status, JSON.stringify(signed.body)).toBe(200);

		await button("Done", dialog());
		await hidden(dialog());
		// Gone from the page; the list shows the API key, never the secret.
		expect(await page().content()).not.toContain(secretKey);
		await visible(row.getByText(apiKey.slice(0, 12)));
		// Opening the user's keys again only offers a new pair: the old secret is not shown.
		await row.getByRole("button", { name: "Generate keys" }).click();
		await visible(dialog());
		expect(await dialog().textContent()).not.toContain(secretKey);
		await button("Cancel", dialog());
		expect(await page().content()).not.toContain(secretKey);
		const storage = await page().evaluate(
			"({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie })",
		);
		expect(storage).toEqual({ local: [], session: [], cookie: "" });
		expect(h.pageErrors).toEqual([]);
	});

	it("creates a webhook to a local receiver, tests it, and sees an event's delivery in its log", async () => {
		await go("/webhooks");
		await visible(heading("Webhooks"), 30_000);
		await button("Create webhook", main());
		const d = dialog();
		await field("Name", d).fill(WEBHOOK);
		await field("Payload URL", d).fill(`${h.receiver.origin}/hook`);
		await button("Create webhook", d);
		await hidden(d);
		await main().getByRole("link", { name: WEBHOOK }).click();
		await visible(heading(WEBHOOK));
		made.webhookId = new URL(page().url()).hash.replace("#/webhooks/", "");

		// Test: a delivery made at once, its result in a dialog (not logged).
		const before = h.receiver.hits.length;
		await button("Test", main());
		await visible(dialog().getByText("Succeeded"), 30_000);
		expect(h.receiver.hits.length).toBeGreaterThan(before);
		expect(h.receiver.hits.at(-1)?.path).toBe("/hook");
		await page().keyboard.press("Escape");
		await hidden(dialog());

		// An event of the admin's account: delivered by the queue, then in the log (polled).
		await h.api("createDomain", { name: "console-domain" });
		const log = main().getByRole("row", { name: /DOMAIN\.CREATE/ });
		await visible(log.getByText("Succeeded"), 60_000);
		const hit = await waitFor("the receiver to get DOMAIN.CREATE", async () =>
			h.receiver.hits.find((x) => x.path === "/hook" && x.body.includes("DOMAIN.CREATE")),
		);
		expect(hit.headers["content-type"]).toMatch(/json/);
		await h.shot("webhook-details");
		expect(h.pageErrors).toEqual([]);
	});

	it("shows every main page with its heading and no page error (screenshots in test-results/console)", async () => {
		const pages: [string, string, string | RegExp][] = [
			["dashboard", "/dashboard", "Dashboard"],
			["zones", "/zones", "Zones"],
			["pods", "/pods", "Pods"],
			["clusters", "/clusters", "Clusters"],
			["hosts", "/hosts", "Hosts"],
			["primary-storage", "/primary-storage", "Primary storage"],
			["secondary-storage", "/secondary-storage", "Secondary storage"],
			["relays", "/relays", "Relays"],
			["instances", "/instances", "Instances"],
			["instance-details", `/instances/${made.vmId ?? "none"}`, VM],
			["deploy-wizard", "/instances/deploy", "Deploy an instance"],
			["jobs", "/jobs", /jobs/i],
			["templates", "/templates", "Templates"],
			["isos", "/isos", "ISOs"],
			["volumes", "/volumes", "Volumes"],
			["snapshots", "/snapshots", "Snapshots"],
			["domains", "/domains", "Domains"],
			["accounts", "/accounts", "Accounts"],
			["users", "/users", "Users"],
			["roles", "/roles", "Roles"],
			["events", "/events", "Events"],
			["alerts", "/alerts", "Alerts"],
			["webhooks", "/webhooks", "Webhooks"],
			["webhook-details", `/webhooks/${made.webhookId ?? "none"}`, WEBHOOK],
			["api-reference", "/api", /API/],
		];
		const problems: string[] = [];
		for (const [name, route, title] of pages) {
			const errors = h.pageErrors.length;
			await go(route);
			try {
				await visible(heading(title), 15_000);
				// Lists show a loader until their first answer.
				await poll(() => main().getByLabel("Loading", { exact: true }).count(), 15_000).toBe(0);
			} catch (error) {
				problems.push(`${name} (#${route}): ${(error as Error).message.split("\n")[0]}`);
			}
			await page().waitForTimeout(300);
			await h.shot(name);
			if (h.pageErrors.length > errors) problems.push(`${name}: page error ${h.pageErrors.slice(errors).join(" | ")}`);
		}
		expect(problems).toEqual([]);
	});

	it("logs out", async () => {
		await button("Log out");
		await visible(field("Username"));
		await poll(() =>
			page()
				.getByText(/expired/i)
				.count(),
		).toBe(0);
		// The session is gone on the server too.
		const cookies = await h.context.cookies(h.dev.apiUrl);
		expect(cookies.filter((c) => c.name === "JSESSIONID" && c.value !== "")).toEqual([]);
	});

	it("a session ended elsewhere sends the next navigation to the login page with the expiry notice", async () => {
		await logIn(h.adminPassword);
		await go("/dashboard");
		await visible(heading("Dashboard"));
		// The browser's own cookies, used from outside: the same session logged out by another client.
		const cookies = await h.context.cookies(h.dev.apiUrl);
		const jar = Object.fromEntries(cookies.map((c) => [c.name, c.value]));
		expect(jar.JSESSIONID, JSON.stringify(cookies.map((c) => c.name))).toBeTruthy();
		const res = await fetch(h.dev.apiUrl, {
			method: "POST",
			headers: {
				cookie: `JSESSIONID=${jar.JSESSIONID}; sessionkey=${jar.sessionkey ?? ""}`,
				"content-type": "application/x-www-form-urlencoded",
			},
			body: new URLSearchParams({
				command: "logout",
				sessionkey: decodeURIComponent(jar.sessionkey ?? ""),
				response: "json",
			}),
		});
		expect(res.status, await res.clone().text()).toBe(200);

		await go("/events");
		await visible(field("Username"), 15_000);
		await visible(page().getByText(/session has expired/i));
		await h.shot("session-expired");
		expect(h.pageErrors).toEqual([]);
	});
});
