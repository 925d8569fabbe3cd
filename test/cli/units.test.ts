/**
 * The CLI's pure parts: cloudmonkey's verb/noun grammar, key=value parsing, `--help` rewriting,
 * the output formats with `--filter`, and the completion scripts (syntax-checked by bash and, when
 * installed, zsh; bash completion is also exercised).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { type Api, type ApiCache, findApi, nouns, splitName, verbs } from "../../cli/src/apis.ts";
import { bashCompletion, zshCompletion } from "../../cli/src/completion.ts";
import { cacheDir, configPath } from "../../cli/src/config.ts";
import { parseParams, rewriteHelp } from "../../cli/src/main.ts";
import { render } from "../../cli/src/output.ts";

function api(name: string, params: string[] = [], isasync = false): Api {
	const [verb, noun] = splitName(name);
	return {
		name,
		description: `does ${name}`,
		isasync,
		params: params.map((p) => ({ name: p, type: "string", required: p === "name", description: "" })),
		verb,
		noun,
	};
}

describe("the config file's path", () => {
	it("is FLARESTACK_CONFIG, else under XDG_CONFIG_HOME, else ~/.config/flarestack", () => {
		expect(configPath({ FLARESTACK_CONFIG: "/tmp/x/fs.json", XDG_CONFIG_HOME: "/xdg" })).toBe("/tmp/x/fs.json");
		expect(configPath({ XDG_CONFIG_HOME: "/xdg" })).toBe("/xdg/flarestack/config.json");
		expect(configPath({})).toBe(path.join(homedir(), ".config", "flarestack", "config.json"));
		expect(cacheDir({ FLARESTACK_CONFIG: "/tmp/x/fs.json" })).toBe("/tmp/x/cache");
	});
});

const CACHE: ApiCache = {
	url: "http://127.0.0.1:8080/client/api",
	synced: "2030-01-01T00:00:00Z",
	apis: [
		api("listVirtualMachines", ["id", "state", "zoneid"]),
		api("listZones", ["id", "name", "keyword"]),
		api("createZone", ["name", "dns1", "networktype"]),
		api("deployVirtualMachine", ["serviceofferingid", "templateid", "zoneid"], true),
		api("deleteDomain", ["id", "cleanup"], true),
		api("logout"),
	],
};

describe("the grammar", () => {
	it.each([
		["listVirtualMachines", "list", "virtualmachines"],
		["createZone", "create", "zone"],
		["queryAsyncJobResult", "query", "asyncjobresult"],
		["getUserKeys", "get", "userkeys"],
		["login", "login", ""],
	])("splits %s into %s %s", (name, verb, noun) => {
		expect(splitName(name)).toEqual([verb, noun]);
	});

	it("finds an API by verb and noun, the noun in any case", () => {
		expect(findApi(CACHE, "list", "virtualmachines")?.name).toBe("listVirtualMachines");
		expect(findApi(CACHE, "LIST", "VirtualMachines")?.name).toBe("listVirtualMachines");
		expect(findApi(CACHE, "deploy", "virtualmachine")?.name).toBe("deployVirtualMachine");
		expect(findApi(CACHE, "logout", undefined)?.name).toBe("logout");
		expect(findApi(CACHE, "list", "virtualmachine")).toBeUndefined();
		expect(verbs(CACHE)).toEqual(["create", "delete", "deploy", "list", "logout"]);
		expect(nouns(CACHE, "list")).toEqual(["virtualmachines", "zones"]);
	});

	it("parses key=value, joins a repeated key with commas, keeps '=' in values", () => {
		expect(parseParams(["name=a", "ids=1", "ids=2", "filter=x=y", "tags[0].key=env", "empty="])).toEqual([
			["name", "a"],
			["ids", "1,2"],
			["filter", "x=y"],
			["tags[0].key", "env"],
			["empty", ""],
		]);
		expect(() => parseParams(["name"])).toThrow(/key=value/);
		expect(() => parseParams(["=x"])).toThrow(/key=value/);
	});

	it("turns `<verb> <noun> --help` into `help <verb> <noun>`, but not for built-in commands", () => {
		expect(rewriteHelp(["list", "zones", "--help"])).toEqual(["help", "list", "zones"]);
		expect(rewriteHelp(["-p", "x", "list", "zones", "-h"])).toEqual(["help", "-p", "x", "list", "zones"]);
		expect(rewriteHelp(["sync", "--help"])).toEqual(["sync", "--help"]);
		expect(rewriteHelp(["--help"])).toEqual(["--help"]);
		expect(rewriteHelp(["list", "zones"])).toEqual(["list", "zones"]);
		expect(rewriteHelp(["api", "listZones", "--help"])).toEqual(["help", "listZones"]);
		expect(rewriteHelp(["api", "--help"])).toEqual(["api", "--help"]);
	});
});

const LIST = {
	count: 2,
	zone: [
		{ id: "z1", name: "zone one", allocationstate: "Enabled", tags: [{ key: "env", value: "prod" }] },
		{ id: "z2", name: 'with, comma "quoted"', allocationstate: "Disabled" },
	],
};

describe("output formats", () => {
	it("prints JSON as the inner response, filtered per item", () => {
		expect(JSON.parse(render(LIST, "json"))).toEqual(LIST);
		expect(JSON.parse(render(LIST, "json", ["name", "ID"]))).toEqual({
			count: 2,
			zone: [
				{ name: "zone one", id: "z1" },
				{ name: 'with, comma "quoted"', id: "z2" },
			],
		});
		expect(JSON.parse(render({ domain: { id: "d", name: "eng", path: "ROOT/eng" } }, "json", ["name"]))).toEqual({
			domain: { name: "eng" },
		});
		expect(JSON.parse(render({}, "json"))).toEqual({});
	});

	it("prints CSV with a header and proper quoting", () => {
		const rows = parse(render(LIST, "csv", ["id", "name"]), { columns: true });
		expect(rows).toEqual([
			{ id: "z1", name: "zone one" },
			{ id: "z2", name: 'with, comma "quoted"' },
		]);
		const all = parse(render(LIST, "csv"), { columns: true }) as Record<string, string>[];
		expect(Object.keys(all[0] ?? {})).toEqual(["id", "name", "allocationstate", "tags"]);
		expect(JSON.parse(all[0]?.tags ?? "")).toEqual([{ key: "env", value: "prod" }]);
		expect(all[1]?.tags).toBe("");
		expect(render({}, "csv")).toBe("");
	});

	it("prints a table with one column per field", () => {
		const table = render(LIST, "table", ["name", "allocationstate"]);
		const lines = table.trimEnd().split("\n");
		expect(lines[1]).toMatch(/│ name\s+│ allocationstate │/);
		expect(table).toContain("zone one");
		expect(table).toContain("Disabled");
		expect(table).not.toContain("z1");
		expect(table).not.toContain("\u001b[");
		expect(render({ success: true }, "table")).toMatch(/│ success │[\s\S]*│ true/);
	});

	it("prints text as key = value blocks", () => {
		const text = render(LIST, "text", ["id", "name"]);
		expect(text).toBe(`id = z1\nname = zone one\n${"=".repeat(40)}\nid = z2\nname = with, comma "quoted"\n`);
		expect(render({ jobid: "j1" }, "text")).toBe("jobid = j1\n");
	});
});

describe("completion scripts", () => {
	const dir = mkdtempSync(path.join(tmpdir(), "flarestack-completion-"));

	function bashComplete(line: string): string[] {
		const script = path.join(dir, "flarestack.bash");
		writeFileSync(script, bashCompletion(CACHE));
		const probe = `source ${JSON.stringify(script)}; COMP_LINE=$1; COMP_POINT=\${#COMP_LINE}; _flarestack; printf '%s\\n' "\${COMPREPLY[@]}"`;
		const result = spawnSync("bash", ["-c", probe, "probe", line], { encoding: "utf8" });
		expect(result.stderr).toBe("");
		return result.stdout.split("\n").filter(Boolean);
	}

	it("writes the verbs, nouns and parameter names into the bash script, which bash accepts", () => {
		const script = bashCompletion(CACHE);
		for (const word of [
			"deploy",
			"virtualmachines",
			"serviceofferingid=",
			"sync",
			"complete -F _flarestack flarestack",
		]) {
			expect(script).toContain(word);
		}
		const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
		expect(check.stderr).toBe("");
		expect(check.status).toBe(0);
	});

	it("completes verbs, nouns, parameters and option values in bash", () => {
		expect(bashComplete("flarestack de")).toEqual(["delete", "deploy"]);
		expect(bashComplete("flarestack list ")).toEqual(["virtualmachines", "zones"]);
		expect(bashComplete("flarestack deploy virtualmachine t")).toEqual(["templateid="]);
		expect(bashComplete("flarestack -o table list zones ").sort()).toEqual(["id=", "keyword=", "name="]);
		expect(bashComplete("flarestack list zones -o c")).toEqual(["csv"]);
		expect(bashComplete("flarestack api listZ")).toEqual(["listZones"]);
		expect(bashComplete("flarestack completion ")).toEqual(["bash", "zsh"]);
	});

	it("writes a zsh script with the same words, which zsh accepts when installed", () => {
		const script = zshCompletion(CACHE);
		expect(script.startsWith("#compdef flarestack\n")).toBe(true);
		for (const word of ["deploy", "virtualmachines", "serviceofferingid=", "compdef _flarestack flarestack"]) {
			expect(script).toContain(word);
		}
		const check = spawnSync("zsh", ["-n"], { input: script, encoding: "utf8" });
		if (check.error) return; // zsh is not installed here: the content checks above still ran.
		expect(check.stderr).toBe("");
		expect(check.status).toBe(0);
	});

	it("completes the built-in commands without a synced profile", () => {
		expect(bashCompletion(undefined)).toContain("sync");
		expect(zshCompletion(undefined)).toContain("profile");
	});
});
