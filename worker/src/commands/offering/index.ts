import type { AnyCommand } from "../types";
import { createDiskOffering } from "./createDiskOffering";
import { createServiceOffering } from "./createServiceOffering";
import { deleteDiskOffering } from "./deleteDiskOffering";
import { deleteServiceOffering } from "./deleteServiceOffering";
import { listDiskOfferings } from "./listDiskOfferings";
import { listServiceOfferings } from "./listServiceOfferings";
import { updateDiskOffering } from "./updateDiskOffering";
import { updateServiceOffering } from "./updateServiceOffering";

export const offeringCommands: readonly AnyCommand[] = [
	createServiceOffering,
	listServiceOfferings,
	updateServiceOffering,
	deleteServiceOffering,
	createDiskOffering,
	listDiskOfferings,
	updateDiskOffering,
	deleteDiskOffering,
];
