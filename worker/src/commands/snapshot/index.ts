import type { AnyCommand } from "../types";
import { createSnapshot } from "./createSnapshot";
import { deleteSnapshot } from "./deleteSnapshot";
import { listSnapshots } from "./listSnapshots";
import { revertSnapshot } from "./revertSnapshot";

export const snapshotCommands: AnyCommand[] = [createSnapshot, listSnapshots, deleteSnapshot, revertSnapshot];
