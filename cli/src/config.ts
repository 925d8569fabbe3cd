/**
 * @module Profiles: where the config file lives, its format, and which profile a run uses.
 *
 * The file is JSON (mode 0600, it holds secrets):
 * `{ "default": "local", "profiles": { "local": { "url": "http://127.0.0.1:8080/client/api",
 *   "apikey": "…", "secretkey": "…" }, "ops": { "url": "…", "username": "admin",
 *   "password": "…", "domain": "/" } } }`
 * Its path is `$FLARESTACK_CONFIG`, else `$XDG_CONFIG_HOME/flarestack/config.json`, else
 * `~/.config/flarestack/config.json`; caches (listApis, sessions) sit in `cache/` beside it.
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { CliError, usage } from "./errors.ts";

/** Environment variables (process.env by default). */
export type Environment = Record<string, string | undefined>;

export const OUTPUT_FORMATS = ["json", "table", "csv", "text"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Profile {
	/** The API endpoint, e.g. `http://127.0.0.1:8080/client/api`. */
	url: string;
	apikey?: string;
	secretkey?: string;
	username?: string;
	password?: string;
	/** Domain path for session login (`/` = ROOT, `/sub/child/`). */
	domain?: string;
	/** Default output format of this profile. */
	output?: OutputFormat;
	/** HTTP timeout per request, seconds (default 60). */
	timeout?: number;
}

export interface Config {
	default?: string;
	profiles: Record<string, Profile>;
}

/** The keys `profile add` accepts. */
export const PROFILE_KEYS = ["url", "apikey", "secretkey", "username", "password", "domain", "output", "timeout"];

export function configPath(env: Environment = process.env): string {
	if (env.FLARESTACK_CONFIG) return path.resolve(env.FLARESTACK_CONFIG);
	const base = env.XDG_CONFIG_HOME || path.join(homedir(), ".config");
	return path.join(base, "flarestack", "config.json");
}

export function cacheDir(env: Environment = process.env): string {
	return path.join(path.dirname(configPath(env)), "cache");
}

/** A profile name safe to use in a file name. */
export function checkProfileName(name: string): string {
	if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
		throw usage(`invalid profile name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-'`);
	}
	return name;
}

export async function loadConfig(file = configPath()): Promise<Config> {
	let text: string;
	try {
		text = await readFile(file, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
		throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new CliError(`${file}: expected an object with "profiles"`);
	}
	const config = parsed as Partial<Config>;
	const profiles = config.profiles ?? {};
	if (typeof profiles !== "object" || Array.isArray(profiles))
		throw new CliError(`${file}: "profiles" must be an object`);
	return { ...config, profiles };
}

/** Writes a JSON file readable by its owner only, atomically. */
export async function writePrivateJson(file: string, value: unknown): Promise<void> {
	await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
	const temp = `${file}.${process.pid}.tmp`;
	await writeFile(temp, `${JSON.stringify(value, null, "\t")}\n`, { mode: 0o600 });
	await chmod(temp, 0o600);
	await rename(temp, file);
}

export function saveConfig(config: Config, file = configPath()): Promise<void> {
	return writePrivateJson(file, config);
}

export interface ResolvedProfile {
	name: string;
	profile: Profile;
}

/** `--profile`, else `$FLARESTACK_PROFILE`, else the file's default, else the only profile. */
export function selectProfile(
	config: Config,
	requested: string | undefined,
	env: Environment = process.env,
): ResolvedProfile {
	const names = Object.keys(config.profiles);
	const name = requested || env.FLARESTACK_PROFILE || config.default || (names.length === 1 ? names[0] : undefined);
	if (!name) {
		throw usage(
			names.length === 0
				? `no profile configured: run \`flarestack profile add NAME url=… apikey=… secretkey=…\` (config file ${configPath(env)})`
				: `no default profile: pass --profile (one of ${names.join(", ")}) or run \`flarestack profile use NAME\``,
		);
	}
	const profile = config.profiles[name];
	if (!profile) throw usage(`unknown profile ${JSON.stringify(name)} (configured: ${names.join(", ") || "none"})`);
	if (typeof profile.url !== "string" || !/^https?:\/\//.test(profile.url)) {
		throw usage(`profile ${name} has no http(s) url`);
	}
	return { name: checkProfileName(name), profile };
}

/** Parses `key=value` settings for `profile add`. */
export function profileFromArgs(args: string[], base: Partial<Profile> = {}): Profile {
	const out: Record<string, unknown> = { ...base };
	for (const arg of args) {
		const eq = arg.indexOf("=");
		const key = eq > 0 ? arg.slice(0, eq).toLowerCase() : "";
		if (!PROFILE_KEYS.includes(key)) {
			throw usage(`expected key=value with key one of ${PROFILE_KEYS.join(", ")}; got ${JSON.stringify(arg)}`);
		}
		const value = arg.slice(eq + 1);
		if (value === "") delete out[key];
		else if (key === "timeout") {
			const seconds = Number(value);
			if (!Number.isFinite(seconds) || seconds <= 0) throw usage(`timeout must be a positive number of seconds`);
			out[key] = seconds;
		} else if (key === "output" && !(OUTPUT_FORMATS as readonly string[]).includes(value)) {
			throw usage(`output must be one of ${OUTPUT_FORMATS.join(", ")}`);
		} else out[key] = value;
	}
	if (typeof out.url !== "string" || !/^https?:\/\//.test(out.url)) throw usage("a profile needs url=http(s)://…");
	return out as unknown as Profile;
}
