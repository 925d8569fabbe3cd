/** @module defineCommand: one call per API command file, typed by its parameter specs. */
import type { ParamSpec } from "./param-spec";
import type { CommandDefinition } from "./types";

/** Declares a command; the returned value is registered by its family's index. */
export function defineCommand<S extends Record<string, ParamSpec<unknown>>>(
	command: CommandDefinition<S>,
): CommandDefinition<S> {
	return command;
}
