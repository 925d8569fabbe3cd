import type { AnyCommand } from "../types";
import { listHypervisorCapabilities } from "./listHypervisorCapabilities";
import { listHypervisors } from "./listHypervisors";
import { listOsCategories } from "./listOsCategories";
import { listOsTypes } from "./listOsTypes";

export const catalogCommands: readonly AnyCommand[] = [
	listOsCategories,
	listOsTypes,
	listHypervisors,
	listHypervisorCapabilities,
];
