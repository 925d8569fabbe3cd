import type { AnyCommand } from "../types";
import { createPod } from "./createPod";
import { deletePod } from "./deletePod";
import { listPods } from "./listPods";
import { updatePod } from "./updatePod";

export const podCommands: readonly AnyCommand[] = [createPod, listPods, updatePod, deletePod];
