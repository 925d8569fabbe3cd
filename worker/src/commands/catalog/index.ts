import type { AnyCommand } from "../types";

export const catalogCommands: readonly AnyCommand[] = [];
