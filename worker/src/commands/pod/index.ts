import type { AnyCommand } from "../types";

export const podCommands: readonly AnyCommand[] = [];
