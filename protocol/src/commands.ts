/**
 * @module The commands the Worker can send an agent: a closed list, each with its own argument and
 * result schema. Adding a command means adding one entry to `COMMANDS` (see the README).
 */
import { z } from "zod";
import { uuid } from "./common.ts";
import { Host, libvirtUri } from "./inventory.ts";
import { describeIssues } from "./issues.ts";

/** Every command: its arguments and the `result` of a successful answer. */
export const COMMANDS = {
	/** Reach the host's libvirtd at `uri` and keep it as `hostId`; answers with the host's facts. */
	"host.connect": { args: z.object({ hostId: uuid, uri: libvirtUri }), result: Host },
	/** Read a known host again (facts, state, domains). */
	"host.refresh": { args: z.object({ hostId: uuid }), result: Host },
	/** Stop watching a host and forget it. */
	"host.disconnect": { args: z.object({ hostId: uuid }), result: z.object({}) },
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandArgs<N extends CommandName> = z.infer<(typeof COMMANDS)[N]["args"]>;
export type CommandResult<N extends CommandName> = z.infer<(typeof COMMANDS)[N]["result"]>;

export const CommandName = z.enum(Object.keys(COMMANDS) as [CommandName, ...CommandName[]]);

/**
 * Checks the `result` of a successful answer against the command it answers. The answer frame does
 * not name its command (the Worker knows it from the pending command), so this runs after
 * `parseFrame`.
 */
export function parseCommandResult<N extends CommandName>(
	name: N,
	result: unknown,
): { ok: true; result: CommandResult<N> } | { ok: false; error: string } {
	const parsed = COMMANDS[name].result.safeParse(result);
	if (parsed.success) return { ok: true, result: parsed.data as CommandResult<N> };
	return { ok: false, error: `bad ${name} result: ${describeIssues(parsed.error)}` };
}
