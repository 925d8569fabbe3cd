import type { AnyCommand } from "../types";

export const zoneCommands: readonly AnyCommand[] = [];
