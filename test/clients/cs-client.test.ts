/**
 * CloudStack's own Python client, `python3 -m cs` (Debian package python3-cs), against a private
 * `wrangler dev`: the same flow once with GET and once with POST (`CLOUDSTACK_METHOD=post`).
 * cs signs with `signatureVersion=3` + `expires`, sorts names as given and leaves `~` unencoded,
 * so a value with `~` proves the server's lenient signature variants (client-wire-rules §1.3).
 * cs always exits 0: results and errors are judged from its stdout/stderr.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeys, type Keys, login } from "./api.ts";
import { type DevServer, startDevServer } from "./server.ts";

/** Debian's interpreter: another python3 first on PATH (pyenv, venv) cannot import cs. */
const PYTHON = process.env.CS_PYTHON ?? "/usr/bin/python3";

type Json = Record<string, unknown>;

interface CsRun {
	stdout: string;
	stderr: string;
	/** stdout parsed; cs prints nothing for an empty result, which is `{}` here. */
	json: Json;
}

function checkCs(): string | null {
	const probe = spawnSync(PYTHON, ["-c", "import cs, sys; sys.stdout.write(cs.__file__)"], { encoding: "utf8" });
	if (probe.status === 0) return null;
	return (
		`CloudStack's client is not available: \`${PYTHON} -c "import cs"\` failed ` +
		`(${probe.error ? String(probe.error) : probe.stderr.trim().split("\n").pop()}). ` +
		"Install the Debian package: apt-get install -y python3-cs (.ci/run does this)."
	);
}

let csProblem: string | null = "not checked yet";
let server: DevServer | undefined;
let admin: Keys | undefined;

function ready(): { server: DevServer; admin: Keys } {
	if (csProblem) throw new Error(csProblem);
	if (!server || !admin) throw new Error("the private wrangler dev server did not start (see beforeAll)");
	return { server, admin };
}

interface CsOptions {
	/** Extra CLI flags, e.g. `--trace`. */
	flags?: string[];
	/** Extra CLOUDSTACK_* settings, e.g. CLOUDSTACK_EXPIRATION. */
	env?: Record<string, string>;
}

/** Runs `python3 -m cs COMMAND name=value…` with the given keys and HTTP method. */
function cs(
	keys: Keys,
	method: "get" | "post",
	command: string,
	args: Record<string, string> = {},
	{ flags = [], env: extraEnv = {} }: CsOptions = {},
): Promise<CsRun> {
	const { server } = ready();
	const argv = ["-m", "cs", command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`), ...flags];
	// A clean environment: no CLOUDSTACK_* settings or ini files of the developer leak in.
	const env: Record<string, string | undefined> = {
		PATH: process.env.PATH ?? "/usr/bin:/bin",
		HOME: tmpdir(),
		LANG: "C.UTF-8",
		PYTHONDONTWRITEBYTECODE: "1",
		CLOUDSTACK_ENDPOINT: server.apiUrl,
		CLOUDSTACK_KEY: keys.apiKey,
		CLOUDSTACK_SECRET: keys.secretKey,
		CLOUDSTACK_METHOD: method,
		CLOUDSTACK_TIMEOUT: "30",
		...extraEnv,
	};
	return new Promise((resolve, reject) => {
		// The cast drops the Worker's secrets that `wrangler types` adds to NodeJS.ProcessEnv as required keys.
		execFile(
			PYTHON,
			argv,
			{ env: env as NodeJS.ProcessEnv, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
			(error, stdout, stderr) => {
				if (error) {
					reject(new Error(`cs ${command} failed to run: ${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
					return;
				}
				let json: Json = {};
				if (stdout.trim()) {
					try {
						json = JSON.parse(stdout) as Json;
					} catch {
						reject(new Error(`cs ${command} printed non-JSON output:\n${stdout}\nstderr: ${stderr}`));
						return;
					}
				}
				resolve({ stdout, stderr, json });
			},
		);
	});
}

/** A cs run that must have succeeded: no CloudStack error on stderr, no errortext in the output. */
async function csOk(
	keys: Keys,
	method: "get" | "post",
	command: string,
	args: Record<string, string> = {},
): Promise<Json> {
	const run = await cs(keys, method, command, args);
	if (run.stderr.includes("CloudStack error") || "errortext" in run.json || "errorcode" in run.json) {
		throw new Error(
			`cs ${command} ${JSON.stringify(args)} (${method}) failed:\nstdout: ${run.stdout}\nstderr: ${run.stderr}`,
		);
	}
	return run.json;
}

/**
 * On an API error cs prints the whole body: `{"<command>response": {errorcode, errortext}}`, or
 * `{"errorresponse": …}` where CloudStack uses that (432 for a command the role may not call).
 */
function errorBody(run: CsRun, command: string): Json {
	const keys = Object.keys(run.json);
	const inner = keys.length === 1 ? run.json[keys[0] ?? ""] : undefined;
	if (
		!inner ||
		typeof inner !== "object" ||
		!["errorresponse", `${command.toLowerCase()}response`].includes(keys[0] ?? "")
	) {
		throw new Error(`cs ${command}: expected an error envelope, got:\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
	}
	return inner as Json;
}

function list(json: Json, key: string): Json[] {
	const items = json[key];
	return Array.isArray(items) ? (items as Json[]) : [];
}

beforeAll(async () => {
	csProblem = checkCs();
	if (csProblem) return;
	server = await startDevServer();
	const session = await login(server.apiUrl, "admin", server.adminPassword);
	admin = await adminKeys(server.apiUrl, session);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

describe("python3 -m cs against a private wrangler dev", () => {
	it("python3-cs is installed", () => {
		if (csProblem) throw new Error(csProblem);
	});

	for (const method of ["get", "post"] as const) {
		describe(`with CLOUDSTACK_METHOD=${method}`, () => {
			const tag = `${method}${randomBytes(3).toString("hex")}`;
			const username = `cs-${tag}`;
			// `~` is sent unencoded by cs and `*` is left alone: both must verify.
			const firstname = `Ann~Marie*${method}`;
			let domainId = "";
			let accountId = "";
			let userId = "";
			let userKeys: Keys | undefined;

			it("listApis describes the commands, with their parameters", async () => {
				const json = await csOk(ready().admin, method, "listApis");
				const apis = list(json, "api");
				expect(json.count).toBe(apis.length);
				const names = apis.map((api) => api.name);
				for (const name of [
					"listApis",
					"createDomain",
					"createAccount",
					"registerUserKeys",
					"listUsers",
					"listAccounts",
				]) {
					expect(names).toContain(name);
				}
				const createAccount = apis.find((api) => api.name === "createAccount");
				const params = (createAccount?.params as Json[] | undefined)?.map((param) => param.name) ?? [];
				expect(params).toEqual(expect.arrayContaining(["username", "password", "email", "firstname", "lastname"]));
			});

			it("listApis with a name returns just that command", async () => {
				const json = await csOk(ready().admin, method, "listApis", { name: "listUsers" });
				expect(list(json, "api").map((api) => api.name)).toEqual(["listUsers"]);
			});

			it("createDomain creates a domain under ROOT", async () => {
				const json = await csOk(ready().admin, method, "createDomain", { name: `dom-${tag}` });
				const domain = json.domain as Json;
				expect(domain).toMatchObject({ name: `dom-${tag}`, level: 1 });
				expect(typeof domain.id).toBe("string");
				domainId = String(domain.id);
			});

			it("createAccount creates a user account in that domain (a firstname with ~ and *)", async () => {
				expect(domainId, "needs the domain from createDomain").not.toBe("");
				const json = await csOk(ready().admin, method, "createAccount", {
					username,
					password: `Pw-${tag}-secret`,
					email: `${username}@example.test`,
					firstname,
					lastname: "Tester",
					accounttype: "0",
					domainid: domainId,
				});
				const account = json.account as Json;
				expect(account).toMatchObject({ name: username, accounttype: 0, domainid: domainId });
				const users = account.user as Json[];
				expect(users).toHaveLength(1);
				expect(users[0]).toMatchObject({ username, firstname, lastname: "Tester", domainid: domainId });
				accountId = String(account.id);
				userId = String(users[0]?.id);
			});

			it("registerUserKeys gives the new user an API key pair", async () => {
				expect(userId, "needs the user from createAccount").not.toBe("");
				const json = await csOk(ready().admin, method, "registerUserKeys", { id: userId });
				const keys = json.userkeys as Json;
				expect(typeof keys.apikey).toBe("string");
				expect(typeof keys.secretkey).toBe("string");
				userKeys = { apiKey: String(keys.apikey), secretKey: String(keys.secretkey) };
			});

			it("listUsers as admin finds the new user (and no secret key)", async () => {
				expect(userId, "needs the user from createAccount").not.toBe("");
				const json = await csOk(ready().admin, method, "listUsers", { domainid: domainId });
				const users = list(json, "user");
				expect(json.count).toBe(1);
				expect(users[0]).toMatchObject({ id: userId, username, account: username, accountid: accountId, firstname });
				expect(users[0]?.apikey).toBe(userKeys?.apiKey);
				expect(users[0]).not.toHaveProperty("secretkey");
				const all = await csOk(ready().admin, method, "listUsers", { listall: "true" });
				const names = list(all, "user").map((user) => user.username);
				expect(names).toEqual(expect.arrayContaining(["admin", username]));
			});

			it("the new user's own keys see only its own account and user", async () => {
				if (!userKeys) throw new Error("needs the keys from registerUserKeys");
				const accounts = await csOk(userKeys, method, "listAccounts");
				expect(accounts.count).toBe(1);
				expect(list(accounts, "account").map((a) => a.id)).toEqual([accountId]);
				const everything = await csOk(userKeys, method, "listAccounts", { listall: "true" });
				expect(list(everything, "account").map((a) => a.id)).toEqual([accountId]);
				const users = await csOk(userKeys, method, "listUsers", { listall: "true" });
				expect(list(users, "user").map((u) => u.id)).toEqual([userId]);
				const adminView = await csOk(ready().admin, method, "listAccounts", { listall: "true" });
				expect(Number(adminView.count)).toBeGreaterThanOrEqual(2);
			});

			it("the new user may not create domains", async () => {
				if (!userKeys) throw new Error("needs the keys from registerUserKeys");
				const run = await cs(userKeys, method, "createDomain", { name: `nope-${tag}` });
				expect(run.stderr).toContain("CloudStack error");
				const error = errorBody(run, "createDomain");
				expect(error).toMatchObject({ errorcode: 432 });
				expect(typeof error.errortext).toBe("string");
			});

			it("a list filter with ~ and * (keyword=a~b*) is signed and accepted", async () => {
				const run = await cs(ready().admin, method, "listAccounts", { keyword: "a~b*" });
				expect(run.stderr).not.toContain("CloudStack error");
				// Nothing matches: CloudStack's empty list is {} and cs prints nothing.
				expect(run.json).toEqual({});
				const hit = await csOk(ready().admin, method, "listUsers", { keyword: username, listall: "true" });
				expect(list(hit, "user").map((u) => u.firstname)).toEqual([firstname]);
			});

			it("a wrong secret is rejected with 401 and an errortext", async () => {
				const { admin } = ready();
				const wrong = { apiKey: admin.apiKey, secretKey: `${admin.secretKey.slice(0, -4)}AAAA` };
				const run = await cs(wrong, method, "listAccounts");
				expect(run.stderr).toContain("CloudStack error");
				expect(run.stderr).toContain("401");
				const error = errorBody(run, "listAccounts");
				expect(error).toMatchObject({ errorcode: 401 });
				expect(typeof error.errortext).toBe("string");
				expect(error).not.toHaveProperty("account");
			});

			it("a legacy signature without signatureVersion/expires (CLOUDSTACK_EXPIRATION=-1) is accepted", async () => {
				const run = await cs(
					ready().admin,
					method,
					"listApis",
					{ name: "listUsers" },
					{
						flags: ["--trace"],
						env: { CLOUDSTACK_EXPIRATION: "-1" },
					},
				);
				expect(run.stderr).not.toContain("CloudStack error");
				// The request (URL or form body, printed by --trace) carries neither parameter.
				expect(run.stderr).not.toMatch(/(expires|signatureversion)=/i);
				expect(run.stderr).toMatch(/signature=/i);
				expect(list(run.json, "api").map((api) => api.name)).toEqual(["listUsers"]);
			});

			it("an expires in the past is rejected with 401", async () => {
				const run = await cs(ready().admin, method, "listApis", {
					name: "listUsers",
					signatureVersion: "3",
					expires: "2020-01-01T00:00:00+0000",
				});
				expect(run.stderr).toContain("401");
				expect(errorBody(run, "listApis")).toMatchObject({ errorcode: 401 });
			});

			it(`cs really sends ${method.toUpperCase()}`, async () => {
				const run = await cs(ready().admin, method, "listApis", { name: "listUsers" }, { flags: ["--trace"] });
				// --trace prints "<METHOD> <url>" for every request on stderr.
				const methods = [...run.stderr.matchAll(/^(GET|POST) http/gm)].map((m) => m[1]);
				expect(methods).toEqual([method.toUpperCase()]);
				expect(run.stderr).toMatch(/^200 OK/m);
			});
		});
	}
});
