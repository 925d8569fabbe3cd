/** @module Turns request parameters into a command's typed parameters, with CloudStack's 431 texts. */
import type { MapEntries, ParamSpec } from "../commands/param-spec";
import type { AnyCommand } from "../commands/types";
import { CsError, ERROR } from "./errors";
import type { RequestParams } from "./params";

export function parseCommandParams(command: AnyCommand, params: RequestParams): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const short = command.name.toLowerCase();
	for (const [name, spec] of Object.entries(command.params as Record<string, ParamSpec<unknown>>)) {
		const key = name.toLowerCase();
		if (spec.type === "map") {
			const entries = params.maps.get(key);
			if (entries) out[name] = mapEntries(entries);
			else if (spec.required) throw missing(short, name);
			continue;
		}
		const raw = params.values.get(key);
		if (raw === undefined || (raw.trim() === "" && spec.type !== "string")) {
			if (spec.required) throw missing(short, name);
			continue;
		}
		if (spec.type === "string" && raw.length > spec.length) {
			throw new CsError(ERROR.paramError, `Value greater than max allowed length ${spec.length} for param: ${name}`);
		}
		if (spec.required && raw.trim() === "") throw missing(short, name);
		out[name] = spec.parse(raw, name);
	}
	return out;
}

function missing(command: string, name: string): CsError {
	return new CsError(ERROR.paramError, `Unable to execute API command ${command} due to missing parameter ${name}`);
}

function mapEntries(entries: Map<number, Map<string, string>>): MapEntries {
	return [...entries.entries()].sort(([a], [b]) => a - b).map(([, fields]) => Object.fromEntries(fields));
}
