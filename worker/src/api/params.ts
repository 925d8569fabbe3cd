/**
 * @module Request parameters as CloudStack's servlet sees them: query and form body merged,
 * names kept as sent (the signature needs them) and also lower-cased (commands match on those),
 * map parameters (`tags[0].key=v`) grouped, control characters refused.
 */
import { CS_EXCEPTION, CsError, ERROR } from "./errors";

/** A parameter as it arrived: original name, decoded value. */
export interface RawParam {
	name: string;
	value: string;
}

export interface RequestParams {
	/** Every parameter with its name as sent, for signature verification. */
	raw: RawParam[];
	/** Plain parameters by lower-cased name. */
	values: Map<string, string>;
	/** Map parameters by lower-cased name: index → field (lower-cased) → value. */
	maps: Map<string, Map<number, Map<string, string>>>;
}

// CloudStack rejects these anywhere in a value (LF and CR are allowed).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/;
const MAP_NAME = /^([A-Za-z0-9_]+)\[(\d+)\]\.([A-Za-z0-9_]+)$/;

/**
 * Merges query and body the way the servlet does: the query string's last occurrence wins,
 * the body only adds names the query did not have (first occurrence).
 */
export function mergeParams(query: URLSearchParams, body: URLSearchParams | null): RawParam[] {
	const byName = new Map<string, string>();
	for (const [name, value] of query) byName.set(name, value);
	if (body) {
		for (const [name, value] of body) if (!byName.has(name)) byName.set(name, value);
	}
	return [...byName].map(([name, value]) => ({ name, value }));
}

/** Plain values by lower-cased name, unvalidated: enough to pick the format, command and credentials. */
export type PeekedParams = Pick<RequestParams, "raw" | "values">;

export function peekParams(raw: RawParam[]): PeekedParams {
	return { raw, values: new Map(raw.map(({ name, value }) => [name.toLowerCase(), value])) };
}

/**
 * Validates and indexes merged parameters. Called after authentication, as CloudStack's
 * dispatcher does, so unauthenticated callers get 401 whatever their values hold. Throws 430 for a malformed map name, 431 for control characters.
 */
export function indexParams(raw: RawParam[]): RequestParams {
	const values = new Map<string, string>();
	const maps = new Map<string, Map<number, Map<string, string>>>();
	for (const { name, value } of raw) {
		if (CONTROL_CHARS.test(value)) {
			throw new CsError(
				ERROR.paramError,
				`Received value for parameter ${name} is invalid, contains illegal ASCII non-printable characters`,
			);
		}
		if (!name.includes("[")) {
			values.set(name.toLowerCase(), value);
			continue;
		}
		const match = MAP_NAME.exec(name);
		if (!match) {
			throw new CsError(
				ERROR.malformedParameter,
				`Unable to decode parameter ${name}; if specifying an object array, please use parameter[index].field=XXX, e.g. userGroupList[0].group=httpGroup`,
				{ csCode: CS_EXCEPTION.serverApi },
			);
		}
		const [, mapName = "", index = "0", field = ""] = match;
		const entries = maps.get(mapName.toLowerCase()) ?? new Map<number, Map<string, string>>();
		maps.set(mapName.toLowerCase(), entries);
		const entry = entries.get(Number(index)) ?? new Map<string, string>();
		entries.set(Number(index), entry);
		entry.set(field.toLowerCase(), value);
	}
	return { raw, values, maps };
}

/** CloudStack's boolean: "true" in any case is true, everything else false. */
export function csBoolean(value: string): boolean {
	return value.toLowerCase() === "true";
}
