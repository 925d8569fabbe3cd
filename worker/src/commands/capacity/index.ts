import type { AnyCommand } from "../types";
import { listCapacity } from "./listCapacity";

export const capacityCommands: readonly AnyCommand[] = [listCapacity];
