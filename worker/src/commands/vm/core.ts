import type { AnyCommand } from "../types";
import { deployVirtualMachine } from "./deployVirtualMachine";
import { listVirtualMachines } from "./listVirtualMachines";
import { startVirtualMachine } from "./startVirtualMachine";
import { stopVirtualMachine } from "./stopVirtualMachine";

export const vmCoreCommands: AnyCommand[] = [
	deployVirtualMachine,
	startVirtualMachine,
	stopVirtualMachine,
	listVirtualMachines,
];
