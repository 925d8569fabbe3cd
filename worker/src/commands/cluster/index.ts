import type { AnyCommand } from "../types";

export const clusterCommands: readonly AnyCommand[] = [];
