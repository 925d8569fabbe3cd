import type { AnyCommand } from "../types";

export const storageCommands: readonly AnyCommand[] = [];
