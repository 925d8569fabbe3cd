/**
 * @module Declarative CloudStack parameters: each spec carries what listApis shows (type,
 * required, length, description) and parses one value, throwing CloudStack's 431 on bad input.
 */
import { CsError, ERROR, invalidParam } from "../api/errors";
import { csBoolean } from "../api/params";
import { isUuid } from "../lib/ids";

/** CloudStack CommandType names, lower-cased as listApis shows them. */
export type CsType = "string" | "uuid" | "boolean" | "integer" | "long" | "list" | "map" | "date";

export interface ParamSpec<T> {
	type: CsType;
	required: boolean;
	length: number;
	description: string;
	since?: string;
	/** Commands that return the referenced entity, for listApis `related`. */
	related?: string;
	/** Turns the raw value into T; `name` is used in error texts. */
	parse(raw: string, name: string): T;
}

export type MapEntries = Array<Record<string, string>>;

interface SpecOptions {
	required?: boolean;
	length?: number;
	since?: string;
	related?: string;
}

type Required<T> = ParamSpec<T> & { required: true };

function spec<T>(
	type: CsType,
	description: string,
	options: SpecOptions,
	parse: (raw: string, name: string) => T,
): ParamSpec<T> {
	return {
		type,
		required: options.required ?? false,
		length: options.length ?? 255,
		description,
		...(options.since ? { since: options.since } : {}),
		...(options.related ? { related: options.related } : {}),
		parse,
	};
}

function parseInteger(raw: string, name: string, min: number, max: number): number {
	const value = Number(raw.trim());
	if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
		throw new CsError(
			ERROR.paramError,
			`Unable to execute API command due to invalid value. Invalid parameter ${name} value=${raw} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
		);
	}
	return value;
}

function parseDate(raw: string, name: string): number {
	const text = raw.trim();
	const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/;
	const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
	let normalised = text;
	if (spaced.test(text)) normalised = `${text.replace(" ", "T")}Z`;
	else if (!iso.test(text)) normalised = "";
	else if (/[+-]\d{4}$/.test(text)) normalised = `${text.slice(0, -2)}:${text.slice(-2)}`;
	else if (text.length === 10) normalised = `${text}T00:00:00Z`;
	const ms = normalised ? Date.parse(normalised) : Number.NaN;
	if (Number.isNaN(ms)) {
		throw new CsError(
			ERROR.paramError,
			`Unable to parse date ${raw} for command parameter ${name}, please pass dates in the format mentioned in the api documentation`,
		);
	}
	return ms;
}

function make<T>(type: CsType, parse: (raw: string, name: string) => T) {
	function build(description: string, options: SpecOptions & { required: true }): Required<T>;
	function build(description: string, options?: SpecOptions): ParamSpec<T>;
	function build(description: string, options: SpecOptions = {}): ParamSpec<T> {
		return spec(type, description, options, parse);
	}
	return build;
}

/** Parameter builders, one per CloudStack type. */
export const p = {
	string: make("string", (raw) => raw),
	uuid: make("uuid", (raw, name) => {
		if (!isUuid(raw)) throw invalidParam(name, raw);
		return raw.trim().toLowerCase();
	}),
	boolean: make("boolean", csBoolean),
	integer: make("integer", (raw, name) => parseInteger(raw, name, -(2 ** 31), 2 ** 31 - 1)),
	long: make("long", (raw, name) => parseInteger(raw, name, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
	date: make("date", parseDate),
	list: make("list", (raw) =>
		raw
			.split(",")
			.map((v) => v.trim())
			.filter((v) => v !== ""),
	),
	/** A map parameter; its value comes from `name[i].field` entries, not from `parse`. */
	map: make<MapEntries>("map", () => []),
};

/** The typed values a handler receives for a set of specs. */
export type ParsedParams<S extends Record<string, ParamSpec<unknown>>> = {
	[K in keyof S]: S[K] extends Required<infer T> ? T : S[K] extends ParamSpec<infer T> ? T | undefined : never;
};
