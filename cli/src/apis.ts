/**
 * @module The command list: the endpoint's `listApis`, cached per profile
 * (`cache/<profile>.json`), and cloudmonkey's grammar over it: an API name splits at its first
 * upper-case letter into a verb and a lower-cased noun (`listVirtualMachines` → `list
 * virtualmachines`, `createZone` → `create zone`, `login` → `login`).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ApiClient } from "./client.ts";
import { cacheDir, type Environment, writePrivateJson } from "./config.ts";

export interface ApiParam {
	name: string;
	type: string;
	required: boolean;
	description: string;
	length?: number;
	related?: string;
}

export interface Api {
	name: string;
	description: string;
	isasync: boolean;
	since?: string;
	related?: string;
	params: ApiParam[];
	verb: string;
	noun: string;
}

export interface ApiCache {
	url: string;
	synced: string;
	apis: Api[];
}

/** `listVirtualMachines` → [`list`, `virtualmachines`]; no upper-case letter → [name, ``]. */
export function splitName(name: string): [verb: string, noun: string] {
	const at = name.search(/[A-Z]/);
	if (at <= 0) return [name.toLowerCase(), ""];
	return [name.slice(0, at).toLowerCase(), name.slice(at).toLowerCase()];
}

function cacheFile(profile: string, env: Environment): string {
	return path.join(cacheDir(env), `${profile}.json`);
}

function toApi(raw: Record<string, unknown>): Api | undefined {
	if (typeof raw.name !== "string" || raw.name === "") return undefined;
	const [verb, noun] = splitName(raw.name);
	const params = Array.isArray(raw.params) ? (raw.params as Record<string, unknown>[]) : [];
	return {
		name: raw.name,
		description: typeof raw.description === "string" ? raw.description : "",
		isasync: raw.isasync === true,
		...(typeof raw.since === "string" ? { since: raw.since } : {}),
		...(typeof raw.related === "string" ? { related: raw.related } : {}),
		params: params
			.filter((p) => typeof p.name === "string")
			.map((p) => ({
				name: String(p.name),
				type: typeof p.type === "string" ? p.type : "string",
				required: p.required === true,
				description: typeof p.description === "string" ? p.description : "",
				...(typeof p.length === "number" ? { length: p.length } : {}),
				...(typeof p.related === "string" ? { related: p.related } : {}),
			}))
			.sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name)),
		verb,
		noun,
	};
}

/** Fetches `listApis` and writes the profile's cache. */
export async function syncApis(client: ApiClient, env: Environment = process.env): Promise<ApiCache> {
	const inner = await client.call("listApis", [["listall", "true"]]);
	const list = Array.isArray(inner.api) ? (inner.api as Record<string, unknown>[]) : [];
	const apis = list.map(toApi).filter((a): a is Api => a !== undefined);
	apis.sort((a, b) => a.name.localeCompare(b.name));
	const cache: ApiCache = { url: client.url, synced: new Date().toISOString(), apis };
	await writePrivateJson(cacheFile(client.profileName, env), cache);
	return cache;
}

/** The profile's cache, or undefined if it was never synced (or was synced for another url). */
export async function loadApis(
	profile: string,
	url: string,
	env: Environment = process.env,
): Promise<ApiCache | undefined> {
	try {
		const cache = JSON.parse(await readFile(cacheFile(profile, env), "utf8")) as ApiCache;
		if (cache.url === url && Array.isArray(cache.apis)) return cache;
	} catch {
		// Not synced yet.
	}
	return undefined;
}

/** The API for `verb noun` (noun case-insensitive), or for a whole API name given as the verb. */
export function findApi(cache: ApiCache, verb: string, noun: string | undefined): Api | undefined {
	const v = verb.toLowerCase();
	const n = (noun ?? "").toLowerCase();
	return cache.apis.find((a) => a.verb === v && a.noun === n);
}

export function findByName(cache: ApiCache, name: string): Api | undefined {
	return cache.apis.find((a) => a.name === name) ?? cache.apis.find((a) => a.name.toLowerCase() === name.toLowerCase());
}

/** Verbs in alphabetical order. */
export function verbs(cache: ApiCache): string[] {
	return [...new Set(cache.apis.map((a) => a.verb))].sort();
}

/** Nouns of one verb (`` for an API that is only a verb). */
export function nouns(cache: ApiCache, verb: string): string[] {
	return [...new Set(cache.apis.filter((a) => a.verb === verb.toLowerCase()).map((a) => a.noun))].sort();
}
