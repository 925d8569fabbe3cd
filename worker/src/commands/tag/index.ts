import type { AnyCommand } from "../types";

export const tagCommands: readonly AnyCommand[] = [];
