import type { AnyCommand } from "../types";

export const offeringCommands: readonly AnyCommand[] = [];
