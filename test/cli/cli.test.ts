/**
 * The real `flarestack` command (node cli/bin/flarestack.js, the TypeScript sources run by Node's
 * type stripping) against a private `wrangler dev`, with a temporary config file
 * (FLARESTACK_CONFIG): sync, list, create, async commands with job waiting and `--async`, every
 * output format and `--filter`, errors and exit codes, a session-login profile, signed URLs the
 * server accepts, help and completion from the listApis cache.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeys, type Keys, login } from "../clients/api.ts";
import { type DevServer, freePort, REPO_ROOT, startDevServer } from "../clients/server.ts";

/** Node ≥ 22.18 runs the CLI's TypeScript directly; the project's own Node 24 if the caller's is older. */
const LOCAL_NODE = path.join(REPO_ROOT, "node_modules", ".bin", "node");
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
const BIN = path.join(REPO_ROOT, "cli", "bin", "flarestack.js");

type Json = Record<string, unknown>;

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

let server: DevServer | undefined;
let admin: Keys | undefined;
let dir = "";
let configFile = "";

function ready(): { server: DevServer; admin: Keys } {
	if (!server || !admin) throw new Error("the private wrangler dev server did not start (see beforeAll)");
	return { server, admin };
}

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, FLARESTACK_CONFIG: configFile, NO_COLOR: "1" };
	delete env.FLARESTACK_PROFILE;
	delete env.NODE_ENV;
	return { ...env, ...extra };
}

/** Runs `flarestack ARGS…` to completion (stdin closed, stdout and stderr piped). */
function flarestack(args: string[], extra: Record<string, string> = {}): Promise<Result> {
	return new Promise((resolve, reject) => {
		const child = spawn(NODE, [BIN, ...args], { cwd: dir, env: cliEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

/** Runs a command that must succeed and returns its stdout. */
async function ok(args: string[]): Promise<string> {
	const result = await flarestack(args);
	if (result.code !== 0) {
		throw new Error(`flarestack ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
	}
	return result.stdout;
}

async function okJson(args: string[]): Promise<Json> {
	return JSON.parse(await ok(args)) as Json;
}

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), "flarestack-cli-"));
	configFile = path.join(dir, "config", "config.json");
	server = await startDevServer();
	const session = await login(server.apiUrl, "admin", server.adminPassword);
	admin = await adminKeys(server.apiUrl, session);
	const down = `http://127.0.0.1:${await freePort()}/client/api`;
	const profiles = {
		admin: { url: server.apiUrl, apikey: admin.apiKey, secretkey: admin.secretKey },
		session: { url: server.apiUrl, username: "admin", password: server.adminPassword },
		badkey: { url: server.apiUrl, apikey: admin.apiKey, secretkey: "not-the-secret" },
		down: { url: down, apikey: "a", secretkey: "b" },
	};
	await mkdir(path.dirname(configFile), { recursive: true });
	await writeFile(configFile, JSON.stringify({ default: "admin", profiles }));
});

afterAll(async () => {
	await server?.stop();
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe("sync and list", () => {
	it("syncs listApis into the profile's cache", async () => {
		ready();
		const out = await ok(["sync"]);
		const count = Number(/^(\d+) APIs from /.exec(out)?.[1]);
		expect(count).toBeGreaterThan(20);
		const cache = JSON.parse(await readFile(path.join(dir, "config", "cache", "admin.json"), "utf8"));
		const names = (cache.apis as { name: string }[]).map((a) => a.name);
		expect(names).toEqual(expect.arrayContaining(["listDomains", "createDomain", "deleteDomain", "listZones"]));
		expect(cache.apis.find((a: { name: string }) => a.name === "deleteDomain").isasync).toBe(true);
	});

	it("lists domains, accounts and zones", async () => {
		const domains = await okJson(["list", "domains"]);
		expect(domains.count).toBe(1);
		expect((domains.domain as Json[])[0]?.name).toBe("ROOT");
		const accounts = await okJson(["list", "Accounts"]);
		expect((accounts.account as Json[]).map((a) => a.name)).toContain("admin");
		expect(await okJson(["list", "zones"])).toEqual({});
	});

	it("creates a zone and lists it, also with the raw api form", async () => {
		const created = await okJson([
			"create",
			"zone",
			"name=cli-zone",
			"networktype=Advanced",
			"dns1=8.8.8.8",
			"internaldns1=10.0.0.1",
		]);
		expect((created.zone as Json).name).toBe("cli-zone");
		const listed = await okJson(["api", "listZones", "name=cli-zone"]);
		expect(listed.count).toBe(1);
		expect((listed.zone as Json[])[0]?.id).toBe((created.zone as Json).id);
	});
});

describe("create and async commands", () => {
	let engId = "";

	it("creates a domain and an account in it", async () => {
		const created = await okJson(["create", "domain", "name=cli-eng"]);
		const domain = created.domain as Json;
		expect(domain.name).toBe("cli-eng");
		expect(domain.path).toBe("ROOT/cli-eng");
		engId = String(domain.id);
		const account = await okJson([
			"create",
			"account",
			`domainid=${engId}`,
			"username=engineer",
			"password=engineer-pw",
			"email=e@example.com",
			"firstname=E",
			"lastname=Ng",
			"accounttype=0",
		]);
		expect((account.account as Json).name).toBe("engineer");
	});

	it("waits for an async job and prints its result, silently when stderr is not a terminal", async () => {
		const zone = (await okJson(["list", "zones", "name=cli-zone"])).zone as Json[];
		const result = await flarestack([
			"create",
			"tags",
			"resourcetype=Zone",
			`resourceids=${zone[0]?.id}`,
			"tags[0].key=env",
			"tags[0].value=prod",
		]);
		expect(result).toMatchObject({ code: 0, stderr: "" });
		expect(JSON.parse(result.stdout)).toEqual({ success: true });
		const tags = await okJson(["list", "tags", "resourcetype=Zone"]);
		expect(tags.tag).toEqual([expect.objectContaining({ key: "env", value: "prod" })]);
	});

	it("prints the job id at once with --async", async () => {
		const tmp = (await okJson(["create", "domain", "name=cli-tmp"])).domain as Json;
		const started = await okJson(["delete", "domain", `id=${tmp.id}`, "--async"]);
		expect(Object.keys(started)).toEqual(["jobid"]);
		const job = await okJson(["query", "asyncjobresult", `jobid=${started.jobid}`]);
		expect(job).toMatchObject({ jobid: started.jobid, jobstatus: 1, jobresult: { success: true } });
	});

	it("exits 1 with the job's errortext when the job fails", async () => {
		const result = await flarestack(["delete", "domain", `id=${engId}`]);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe("");
		expect(result.stderr).toMatch(/error 530: .*1 account/);
	});

	it("shows progress on a terminal", async () => {
		if (spawnSync("script", ["--version"]).error) return; // util-linux `script` is missing: nothing to fake a TTY with.
		const command = [NODE, BIN, "delete", "domain", `id=${engId}`, "cleanup=true"]
			.map((a) => `'${a.replaceAll("'", "'\\''")}'`)
			.join(" ");
		// A pty with a size, as a terminal has.
		const run = spawnSync("script", ["-qec", `stty cols 100 rows 30; ${command}`, "/dev/null"], {
			env: cliEnv(),
			encoding: "utf8",
			cwd: dir,
			timeout: 60_000,
		});
		expect(run.status).toBe(0);
		expect(run.stdout).toMatch(/deleteDomain: job [0-9a-f-]+ done/);
		expect(run.stdout).toContain('"success": true');
		expect(await okJson(["list", "domains", "listall=true", "name=cli-eng"])).toEqual({});
	});
});

describe("output formats and --filter", () => {
	it("prints JSON filtered to the fields asked for", async () => {
		const out = await okJson(["list", "accounts", "--filter", "name,state"]);
		expect(out.account).toEqual([{ name: "admin", state: "enabled" }]);
	});

	it("prints CSV", async () => {
		const csv = await ok(["list", "zones", "-o", "csv", "--filter", "name,networktype,dns1"]);
		expect(parse(csv, { columns: true })).toEqual([{ name: "cli-zone", networktype: "Advanced", dns1: "8.8.8.8" }]);
		const all = parse(await ok(["-o", "csv", "list", "domains"]), { columns: true }) as Json[];
		expect(all[0]).toMatchObject({ name: "ROOT", path: "ROOT" });
	});

	it("prints a table", async () => {
		const table = await ok(["list", "zones", "--output=table", "-f", "name,allocationstate"]);
		expect(table).toMatch(/│ name\s+│ allocationstate │/);
		expect(table).toMatch(/│ cli-zone │ \w+\s+│/);
	});

	it("prints text", async () => {
		expect(await ok(["list", "domains", "-o", "text", "-f", "name,path"])).toBe("name = ROOT\npath = ROOT\n");
	});

	it("takes the default format from the profile", async () => {
		await ok([
			"profile",
			"add",
			"admincsv",
			`url=${ready().server.apiUrl}`,
			`apikey=${ready().admin.apiKey}`,
			`secretkey=${ready().admin.secretKey}`,
			"output=csv",
		]);
		expect(await ok(["-p", "admincsv", "list", "domains", "-f", "name"])).toBe("name\nROOT\n");
	});

	it("refuses an unknown format with exit 2", async () => {
		const result = await flarestack(["list", "zones", "-o", "xml"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/json, table, csv, text/);
	});
});

describe("errors and exit codes", () => {
	it("exits 2 for an unknown command", async () => {
		const result = await flarestack(["frobnicate", "widgets"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("unknown command: frobnicate widgets");
		const noNoun = await flarestack(["list"]);
		expect(noNoun.code).toBe(2);
		expect(noNoun.stderr).toMatch(/list what\?.* domains/);
	});

	it("exits 1 with the API's errortext for a 431", async () => {
		const result = await flarestack(["create", "domain"]);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe("");
		expect(result.stderr).toMatch(/error 431: .*missing parameter name/);
	});

	it("says the credentials are wrong for a bad secret key (401)", async () => {
		const result = await flarestack(["-p", "badkey", "list", "zones"]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("error 401: unable to verify user credentials and/or request signature");
		expect(result.stderr).toContain("check apikey and secretkey of profile badkey");
	});

	it("says the login failed for a wrong password", async () => {
		await ok(["profile", "add", "wrongpw", `url=${ready().server.apiUrl}`, "username=admin", "password=wrong"]);
		const result = await flarestack(["-p", "wrongpw", "list", "zones"]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/error 531: Failed to authenticate user admin/);
		expect(result.stderr).toContain("login as admin failed");
	});

	it("says so when the endpoint is unreachable", async () => {
		const result = await flarestack(["-p", "down", "list", "zones"]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/client\/api \(ECONNREFUSED\)/);
	});

	it("says so when the url is not a CloudStack endpoint", async () => {
		const { server } = ready();
		await ok(["profile", "add", "wrongpath", `url=${server.origin}/nothing-here`, "apikey=a", "secretkey=b"]);
		const result = await flarestack(["-p", "wrongpath", "list", "zones"]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/answered listApis with HTTP \d+ and no CloudStack JSON/);
	});

	it("explains a 401 for an API the endpoint does not have", async () => {
		const result = await flarestack(["api", "frobnicateWidgets"]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("frobnicateWidgets is not in the cached command list");
	});

	it("exits 2 without a profile", async () => {
		const result = await flarestack(["list", "zones"], { FLARESTACK_CONFIG: path.join(dir, "none.json") });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("no profile configured");
	});
});

describe("profiles and session login", () => {
	it("adds, lists and selects profiles without printing secrets", async () => {
		const list = parse(await ok(["profile", "list", "-o", "csv"]), { columns: true }) as Json[];
		expect(list.map((p) => p.name)).toEqual(expect.arrayContaining(["admin", "session", "badkey", "down", "wrongpw"]));
		expect(list.find((p) => p.name === "session")?.auth).toBe("password (admin)");
		const text = await ok(["profile", "list"]);
		expect(text).not.toContain(ready().admin.secretKey);
		expect(text).not.toContain(ready().server.adminPassword);
		expect((await stat(configFile)).mode & 0o777).toBe(0o600);
		await ok(["profile", "use", "session"]);
		expect(JSON.parse(await readFile(configFile, "utf8")).default).toBe("session");
		await ok(["profile", "use", "admin"]);
		expect((await flarestack(["profile", "add", "x", "nourl=1"])).code).toBe(2);
	});

	it("logs in with username and password, keeps the session, and logs in again when it ends", async () => {
		const accounts = await okJson(["-p", "session", "list", "accounts", "-f", "name"]);
		expect(accounts.account).toEqual([{ name: "admin" }]);
		const sessionFile = path.join(dir, "config", "cache", "session.session.json");
		const first = JSON.parse(await readFile(sessionFile, "utf8"));
		expect(first.sessionkey).toEqual(expect.any(String));
		expect((await stat(sessionFile)).mode & 0o777).toBe(0o600);
		// Reused while it lasts.
		await okJson(["-p", "session", "list", "domains"]);
		expect(JSON.parse(await readFile(sessionFile, "utf8")).sessionkey).toBe(first.sessionkey);
		// A session the server no longer knows: the CLI logs in once more.
		await writeFile(sessionFile, JSON.stringify({ ...first, sessionkey: "stale" }));
		await okJson(["-p", "session", "list", "domains"]);
		expect(JSON.parse(await readFile(sessionFile, "utf8")).sessionkey).not.toBe("stale");
		// logout ends the session server-side and forgets it.
		expect(await okJson(["-p", "session", "logout"])).toEqual({ description: "success" });
		expect(existsSync(sessionFile)).toBe(false);
		const users = await okJson(["-p", "session", "list", "users", "-f", "username"]);
		expect(users.user).toContainEqual({ username: "admin" });
	});

	it("selects the profile from FLARESTACK_PROFILE", async () => {
		const result = await flarestack(["list", "zones"], { FLARESTACK_PROFILE: "badkey" });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("profile badkey");
	});
});

describe("sign", () => {
	function signedParams(url: string): Record<string, string> {
		return Object.fromEntries(new URL(url).searchParams);
	}

	it("prints a signed URL (signatureVersion 3, expires in 5 minutes) that the server accepts", async () => {
		const url = (await ok(["sign", "command=listZones&response=json&name=cli-zone"])).trim();
		expect(url.startsWith(`${ready().server.apiUrl}?`)).toBe(true);
		const params = signedParams(url);
		expect(params).toMatchObject({ command: "listZones", apiKey: ready().admin.apiKey, signatureVersion: "3" });
		const ahead = Date.parse((params.expires ?? "").replace("+0000", "Z")) - Date.now();
		expect(ahead).toBeGreaterThan(4 * 60_000);
		expect(ahead).toBeLessThanOrEqual(5 * 60_000);
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ listzonesresponse: { count: 1 } });
		// Tampered: 401.
		expect((await fetch(url.replace("name=cli-zone", "name=cli-zonf"))).status).toBe(401);
		// Values that need careful encoding (space, `~`, `*`, `+`, `&`).
		const awkward = (await ok(["sign", "command=listZones&response=json&keyword=no such~zone*+%26"])).trim();
		const res2 = await fetch(awkward);
		expect(res2.status).toBe(200);
		expect(await res2.json()).toEqual({ listzonesresponse: {} });
	});

	it("signs the issue's deployVirtualMachine example with --expires", async () => {
		const url = (
			await ok(["sign", "command=deployVirtualMachine&serviceofferingid=1&templateid=4&zoneid=1", "--expires", "1h"])
		).trim();
		const params = signedParams(url);
		expect(params).toMatchObject({ serviceofferingid: "1", templateid: "4", zoneid: "1", signatureVersion: "3" });
		const ahead = Date.parse((params.expires ?? "").replace("+0000", "Z")) - Date.now();
		expect(ahead).toBeGreaterThan(59 * 60_000);
		expect(params.signature).toMatch(/^[A-Za-z0-9+/]{27}=$/);
	});

	it("signs a full URL for its own endpoint, and a legacy signature with --expires 0", async () => {
		const url = (
			await ok(["sign", `${ready().server.apiUrl}?command=listDomains&response=json`, "--expires", "0"])
		).trim();
		expect(signedParams(url).expires).toBeUndefined();
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ listdomainsresponse: { count: 1 } });
	});

	it("needs API keys and a command", async () => {
		expect((await flarestack(["-p", "session", "sign", "command=listZones"])).code).toBe(2);
		expect((await flarestack(["sign", "zoneid=1"])).code).toBe(2);
	});
});

describe("help and completion", () => {
	it("shows an API's parameters from the cache", async () => {
		const help = await ok(["list", "zones", "--help"]);
		expect(help).toContain("listZones");
		expect(help).toMatch(/^\s+name\s+string/m);
		expect(await ok(["help", "create", "domain"])).toMatch(/^\s+name\*\s+string/m);
		expect(await ok(["help", "delete", "domain"])).toContain("deleteDomain (async)");
		expect(await ok(["help", "list"])).toContain("domains");
		expect(await ok(["help", "profile", "add"])).toContain("Usage: flarestack profile add");
		expect(await ok(["api", "createZone", "--help"])).toMatch(/^\s+networktype\*\s+string/m);
		expect(await ok(["help"])).toMatch(/API verbs .*\n.*\blist\b.*\bcreate\b|API verbs .*\n.*\bcreate\b.*\blist\b/);
	});

	it("prints bash and zsh completion with the verbs, nouns and parameters", async () => {
		const bash = await ok(["completion", "bash"]);
		expect(bash).toContain("complete -F _flarestack flarestack");
		expect(bash).toMatch(/list\) words="[^"]*\bdomains\b[^"]*\bzones\b/);
		expect(bash).toMatch(/"create domain"\) words="[^"]*\bname=/);
		expect(spawnSync("bash", ["-n"], { input: bash }).status).toBe(0);
		const zsh = await ok(["completion", "zsh"]);
		expect(zsh).toContain("#compdef flarestack");
		expect(zsh).toMatch(/delete\) reply=\([^)]*\bdomain\b/);
		expect((await flarestack(["completion", "fish"])).code).toBe(2);
	});

	it("prints its version", async () => {
		const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, "cli", "package.json"), "utf8"));
		expect((await ok(["--version"])).trim()).toBe(pkg.version);
	});
});
