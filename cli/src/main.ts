/**
 * @module `flarestack`, a cloudmonkey-style command shell: `flarestack <verb> <noun> key=value …`
 * with the verbs and nouns of the endpoint's listApis, plus `sync`, `api`, `sign`, `completion`,
 * `profile` and `help`. Exit codes: 0 ok, 1 a failed call or job (the API's errortext on
 * stderr), 2 a usage error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Argument, Command, CommanderError, Option } from "commander";
import { type Api, type ApiCache, findApi, findByName, loadApis, nouns, splitName, syncApis, verbs } from "./apis.ts";
import { ApiClient, type Json } from "./client.ts";
import { BUILTINS, bashCompletion, zshCompletion } from "./completion.ts";
import {
	checkProfileName,
	configPath,
	loadConfig,
	OUTPUT_FORMATS,
	type OutputFormat,
	profileFromArgs,
	type ResolvedProfile,
	saveConfig,
	selectProfile,
} from "./config.ts";
import { ApiError, CliError, usage } from "./errors.ts";
import { waitForJob } from "./jobs.ts";
import { render } from "./output.ts";
import type { Param } from "./sign.ts";
import { signedUrl } from "./sign.ts";

const VERSION = (
	JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }
).version;

interface GlobalOptions {
	profile?: string;
	output?: OutputFormat;
	filter?: string;
	async?: boolean;
	timeout: string;
}

/** Options that take a value, for finding the first word of a command line. */
const VALUE_OPTIONS = new Set(["-p", "--profile", "-o", "--output", "-f", "--filter", "--timeout", "--expires"]);

/** State shared by the commands of one run, loaded on first use. */
class Run {
	private readonly program: Command;
	private resolved: ResolvedProfile | undefined;
	private apiClient: ApiClient | undefined;

	constructor(program: Command) {
		this.program = program;
	}

	get options(): GlobalOptions {
		return this.program.opts<GlobalOptions>();
	}

	async profile(): Promise<ResolvedProfile> {
		this.resolved ??= selectProfile(await loadConfig(), this.options.profile);
		return this.resolved;
	}

	async client(): Promise<ApiClient> {
		this.apiClient ??= new ApiClient(await this.profile());
		return this.apiClient;
	}

	/** The cached command list; synced on first use of a profile. */
	async apis(): Promise<ApiCache> {
		const client = await this.client();
		return (await loadApis(client.profileName, client.url)) ?? (await syncApis(client));
	}

	async format(): Promise<OutputFormat> {
		if (this.options.output) return this.options.output;
		try {
			return (await this.profile()).profile.output ?? "json";
		} catch {
			return "json";
		}
	}

	fields(): string[] | undefined {
		const fields = this.options.filter
			?.split(",")
			.map((f) => f.trim())
			.filter(Boolean);
		return fields?.length ? fields : undefined;
	}

	async print(inner: Json): Promise<void> {
		process.stdout.write(render(inner, await this.format(), this.fields()));
	}

	jobTimeoutMs(): number {
		const seconds = Number(this.options.timeout);
		if (!Number.isFinite(seconds) || seconds <= 0) throw usage("--timeout must be a positive number of seconds");
		return seconds * 1000;
	}
}

/** `key=value` arguments; a repeated key becomes a comma-separated list (as cloudmonkey does). */
export function parseParams(args: string[]): Param[] {
	const out = new Map<string, string>();
	for (const arg of args) {
		const eq = arg.indexOf("=");
		if (eq <= 0) throw usage(`expected key=value, got ${JSON.stringify(arg)}`);
		const name = arg.slice(0, eq);
		const value = arg.slice(eq + 1);
		const previous = out.get(name);
		out.set(name, previous === undefined ? value : `${previous},${value}`);
	}
	return [...out];
}

/** Calls one API and prints its result, waiting for the job of an async command. */
async function callApi(run: Run, name: string, api: Api | undefined, params: Param[]): Promise<void> {
	if (api) {
		const known = new Set(api.params.map((p) => p.name.toLowerCase()));
		for (const [key] of params) {
			const base = key.toLowerCase().replace(/\[.*$/, "");
			if (!known.has(base)) process.stderr.write(`warning: ${api.name} has no parameter ${key} (sent anyway)\n`);
		}
	}
	const client = await run.client();
	let inner: Json;
	try {
		inner = await client.call(name, params);
	} catch (error) {
		// CloudStack answers an unknown command from a signed request with 401, like bad keys.
		if (!api && error instanceof ApiError && error.errorCode === 401 && client.usesKeys) {
			throw new ApiError(
				401,
				error.errorText,
				`${name} is not in the cached command list of profile ${client.profileName} ` +
					"(`flarestack sync` refreshes it); an unknown command and wrong keys both answer 401",
			);
		}
		throw error;
	}
	const looksAsync = typeof inner.jobid === "string" && Object.keys(inner).every((k) => k === "jobid" || k === "id");
	const isAsync = api ? api.isasync && looksAsync : looksAsync && !/^(query|list)/.test(name);
	if (!isAsync || run.options.async) {
		await run.print(inner);
		return;
	}
	const result = await waitForJob(client, inner.jobid as string, { timeoutMs: run.jobTimeoutMs(), label: name });
	await run.print(result);
}

function apiHelp(api: Api): string {
	const lines = [
		`${api.name}${api.isasync ? " (async)" : ""}: ${api.description}`,
		"",
		`Usage: flarestack ${api.verb}${api.noun ? ` ${api.noun}` : ""} [key=value ...]   (or: flarestack api ${api.name} …)`,
	];
	if (api.params.length) {
		const width = Math.max(...api.params.map((p) => p.name.length + (p.required ? 1 : 0)));
		const typeWidth = Math.max(...api.params.map((p) => p.type.length));
		lines.push("", "Parameters (* required):");
		for (const p of api.params) {
			const name = `${p.name}${p.required ? "*" : ""}`.padEnd(width);
			lines.push(`  ${name}  ${p.type.padEnd(typeWidth)}  ${p.description}`);
		}
	} else lines.push("", "No parameters.");
	if (api.related) lines.push("", `Related: ${api.related.split(",").join(", ")}`);
	return `${lines.join("\n")}\n`;
}

async function showHelp(run: Run, program: Command, words: string[]): Promise<void> {
	const [first, second] = words;
	if (first === undefined) {
		process.stdout.write(program.helpInformation());
		try {
			const cache = await run.apis();
			process.stdout.write(`\nAPI verbs (${cache.apis.length} APIs, \`flarestack help VERB\` lists nouns):\n`);
			process.stdout.write(`  ${verbs(cache).join(" ")}\n`);
		} catch {
			process.stdout.write("\nConfigure a profile and run `flarestack sync` to see the API verbs.\n");
		}
		return;
	}
	const builtin = program.commands.find((c) => c.name() === first);
	const sub = second === undefined ? builtin : builtin?.commands.find((c) => c.name() === second);
	if (sub) {
		process.stdout.write(sub.helpInformation());
		return;
	}
	const cache = await run.apis();
	const api = findApi(cache, first, second) ?? (second === undefined ? findByName(cache, first) : undefined);
	if (api) {
		process.stdout.write(apiHelp(api));
		return;
	}
	const ofVerb = nouns(cache, first);
	if (ofVerb.length && second === undefined) {
		process.stdout.write(`flarestack ${first} NOUN: ${ofVerb.filter(Boolean).join(" ")}\n`);
		return;
	}
	throw unknownCommand(cache, words);
}

function unknownCommand(cache: ApiCache, words: string[]): CliError {
	const [verb = "", noun] = words;
	const ofVerb = nouns(cache, verb).filter(Boolean);
	if (ofVerb.length && (noun === undefined || noun.includes("="))) {
		return usage(`${verb} what? flarestack ${verb} NOUN, with NOUN one of: ${ofVerb.join(" ")}`);
	}
	const hint = ofVerb.length
		? `nouns for ${verb}: ${ofVerb.join(" ")}`
		: "`flarestack help` lists the verbs; `flarestack sync` refreshes the command list";
	return usage(`unknown command: ${[verb, noun].filter(Boolean).join(" ")}\n${hint}`);
}

function parseDuration(text: string): number {
	const match = /^(\d+)([smh]?)$/.exec(text.trim());
	if (!match)
		throw usage(`--expires: expected seconds or a duration like 300, 90s, 5m, 1h; got ${JSON.stringify(text)}`);
	const unit = match[2] === "h" ? 3600 : match[2] === "m" ? 60 : 1;
	return Number(match[1]) * unit * 1000;
}

export function buildProgram(): { program: Command; run: Run } {
	const program = new Command("flarestack");
	const run = new Run(program);
	program
		.description(
			"A command shell for flarestack and any CloudStack-compatible endpoint.\n\n" +
				"  flarestack list zones name=zone1        flarestack create domain name=eng\n" +
				"  flarestack api listZones name=zone1      flarestack help list zones\n\n" +
				`Profiles live in ${configPath()} ($FLARESTACK_CONFIG overrides).`,
		)
		.version(VERSION)
		.option("-p, --profile <name>", "profile to use (default: $FLARESTACK_PROFILE, then the config's default)")
		.addOption(new Option("-o, --output <format>", "output format (default: json)").choices(OUTPUT_FORMATS))
		.option("-f, --filter <fields>", "comma-separated fields to keep, e.g. id,name")
		.option("--async", "for async commands: print the job id at once instead of waiting")
		.option("--timeout <seconds>", "how long to wait for an async job", "3600")
		.helpCommand(false)
		.argument("[verb]", "an API verb (list, create, delete, …)")
		.argument("[noun]", "an API noun (zones, domain, …)")
		.argument("[params...]", "key=value parameters")
		.exitOverride()
		.action(async (verb: string | undefined, noun: string | undefined, rest: string[]) => {
			if (verb === undefined) {
				program.outputHelp({ error: true });
				throw usage("");
			}
			const cache = await run.apis();
			const words = [verb, noun, ...rest].filter((w): w is string => w !== undefined);
			// `verb noun k=v…`, a verb alone (`logout`), or a whole API name (`listZones`).
			let api: Api | undefined;
			let params: string[] = [];
			if (noun !== undefined && !noun.includes("=")) {
				api = findApi(cache, verb, noun);
				params = rest;
			}
			if (!api) {
				api = findApi(cache, verb, "") ?? findByName(cache, verb);
				params = words.slice(1);
				if (api && noun !== undefined && !noun.includes("=") && splitName(api.name)[1] !== "") api = undefined;
			}
			if (!api) throw unknownCommand(cache, words);
			await callApi(run, api.name, api, parseParams(params));
		});

	program
		.command("sync")
		.description("fetch the endpoint's listApis and cache it for the profile")
		.action(async () => {
			const client = await run.client();
			const cache = await syncApis(client);
			process.stdout.write(`${cache.apis.length} APIs from ${client.url} cached for profile ${client.profileName}\n`);
		});

	program
		.command("api")
		.description("call an API by its name: flarestack api listZones name=zone1")
		.argument("<command>", "the API name, e.g. listZones")
		.argument("[params...]", "key=value parameters")
		.action(async (command: string, params: string[]) => {
			let api: Api | undefined;
			try {
				api = findByName(await run.apis(), command);
			} catch (error) {
				// The raw form works without a command list (but a network or credential error is real).
				if (error instanceof CliError && error.exitCode === 2) throw error;
			}
			await callApi(run, api?.name ?? command, api, parseParams(params));
		});

	program
		.command("sign")
		.description('print a signed URL: flarestack sign "command=listZones&response=json"')
		.argument("<query>", "command=…&key=value… (or a full URL whose endpoint is used)")
		.option("--expires <duration>", "validity: seconds or 90s, 5m, 1h; 0 = no signatureVersion/expires", "5m")
		.action(async (query: string, options: { expires: string }) => {
			const { name, profile } = await run.profile();
			if (!profile.apikey || !profile.secretkey)
				throw usage(`profile ${name} has no apikey and secretkey to sign with`);
			let endpoint = profile.url;
			let text = query.trim();
			const url = /^https?:\/\//.test(text) ? new URL(text) : undefined;
			if (url) {
				endpoint = `${url.origin}${url.pathname}`;
				text = url.search;
			}
			const params: Param[] = [...new URLSearchParams(text.replace(/^\?/, ""))];
			if (!params.some(([k]) => k === "command")) throw usage('the query needs command=…, e.g. "command=listZones"');
			const ms = parseDuration(options.expires);
			const expiresAt = ms > 0 ? new Date(Date.now() + ms) : undefined;
			process.stdout.write(
				`${signedUrl(endpoint, params, { apiKey: profile.apikey, secretKey: profile.secretkey }, expiresAt)}\n`,
			);
		});

	program
		.command("completion")
		.description("print a completion script: source <(flarestack completion bash)")
		.addArgument(new Argument("<shell>", "bash or zsh").choices(["bash", "zsh"]))
		.action(async (shell: "bash" | "zsh") => {
			let cache: ApiCache | undefined;
			try {
				const client = await run.client();
				cache = await loadApis(client.profileName, client.url);
			} catch {
				// No profile: complete the built-in commands only.
			}
			process.stdout.write(shell === "bash" ? bashCompletion(cache) : zshCompletion(cache));
		});

	const profileCmd = program.command("profile").description("manage profiles in the config file");
	profileCmd
		.command("add")
		.description(
			"add or update a profile: profile add NAME url=… apikey=… secretkey=… | username=… password=… [domain=/]",
		)
		.argument("<name>")
		.argument("<settings...>", "key=value: url, apikey, secretkey, username, password, domain, output, timeout")
		.action(async (name: string, settings: string[]) => {
			const config = await loadConfig();
			checkProfileName(name);
			config.profiles[name] = profileFromArgs(settings, config.profiles[name]);
			config.default ??= name;
			await saveConfig(config);
			process.stdout.write(`profile ${name} saved in ${configPath()}\n`);
		});
	profileCmd
		.command("list")
		.description("list the profiles (secrets are not shown)")
		.action(async () => {
			const config = await loadConfig();
			const rows = Object.entries(config.profiles).map(([name, p]) => ({
				name,
				url: p.url,
				auth: p.apikey && p.secretkey ? "apikey" : p.username ? `password (${p.username})` : "none",
				default: name === config.default,
			}));
			await run.print(rows.length ? { count: rows.length, profile: rows } : {});
		});
	profileCmd
		.command("use")
		.description("make a profile the default")
		.argument("<name>")
		.action(async (name: string) => {
			const config = await loadConfig();
			if (!config.profiles[name]) throw usage(`unknown profile ${JSON.stringify(name)}`);
			config.default = name;
			await saveConfig(config);
			process.stdout.write(`default profile: ${name}\n`);
		});
	profileCmd
		.command("remove")
		.description("remove a profile")
		.argument("<name>")
		.action(async (name: string) => {
			const config = await loadConfig();
			if (!config.profiles[name]) throw usage(`unknown profile ${JSON.stringify(name)}`);
			delete config.profiles[name];
			if (config.default === name) delete config.default;
			await saveConfig(config);
			process.stdout.write(`profile ${name} removed\n`);
		});

	program
		.command("help")
		.description("help for a command: help, help list, help list zones, help sync")
		.argument("[words...]")
		.action((words: string[]) => showHelp(run, program, words));

	for (const command of [program, ...program.commands, ...profileCmd.commands]) command.exitOverride();
	return { program, run };
}

/**
 * `flarestack list zones --help` becomes `flarestack help list zones` (and `api listZones --help`
 * `help listZones`); the built-in commands keep commander's help.
 */
export function rewriteHelp(argv: string[]): string[] {
	const isHelp = (a: string) => a === "-h" || a === "--help";
	if (!argv.some(isHelp)) return argv;
	const words: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		if (VALUE_OPTIONS.has(arg)) i++;
		else if (!arg.startsWith("-")) words.push(arg);
	}
	const [first, second] = words;
	const rest = argv.filter((a) => !isHelp(a));
	// `api listZones --help`: the API's parameters.
	if (first === "api" && second !== undefined) return ["help", ...rest.filter((a) => a !== "api")];
	if (first === undefined || BUILTINS.includes(first)) return argv;
	return ["help", ...rest];
}

export async function main(argv: string[]): Promise<number> {
	const { program } = buildProgram();
	try {
		await program.parseAsync(rewriteHelp(argv), { from: "user" });
		return 0;
	} catch (error) {
		if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
		if (error instanceof CliError) {
			if (error.message) process.stderr.write(`flarestack: ${error.message}\n`);
			return error.exitCode;
		}
		process.stderr.write(`flarestack: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
		return 1;
	}
}
