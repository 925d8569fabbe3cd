import type { AnyCommand } from "../types";
import { destroyVirtualMachine } from "./destroyVirtualMachine";
import { expungeVirtualMachine } from "./expungeVirtualMachine";
import { listVirtualMachinesMetrics } from "./listVirtualMachinesMetrics";
import { migrateVirtualMachine } from "./migrateVirtualMachine";
import { rebootVirtualMachine } from "./rebootVirtualMachine";
import { recoverVirtualMachine } from "./recoverVirtualMachine";
import { scaleVirtualMachine } from "./scaleVirtualMachine";
import { updateVirtualMachine } from "./updateVirtualMachine";

export const vmLifecycleCommands: AnyCommand[] = [
	rebootVirtualMachine,
	destroyVirtualMachine,
	recoverVirtualMachine,
	expungeVirtualMachine,
	migrateVirtualMachine,
	updateVirtualMachine,
	scaleVirtualMachine,
	listVirtualMachinesMetrics,
];
