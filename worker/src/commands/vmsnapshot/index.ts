import type { AnyCommand } from "../types";
import { createVMSnapshot } from "./createVMSnapshot";
import { deleteVMSnapshot } from "./deleteVMSnapshot";
import { listVMSnapshot } from "./listVMSnapshot";
import { revertToVMSnapshot } from "./revertToVMSnapshot";

export const vmSnapshotCommands: AnyCommand[] = [
	createVMSnapshot,
	listVMSnapshot,
	revertToVMSnapshot,
	deleteVMSnapshot,
];
