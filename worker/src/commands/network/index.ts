import type { AnyCommand } from "../types";

export const networkCommands: readonly AnyCommand[] = [];
