import type { AnyCommand } from "../types";

export const capacityCommands: readonly AnyCommand[] = [];
