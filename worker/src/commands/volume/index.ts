import type { AnyCommand } from "../types";
import { attachVolume } from "./attachVolume";
import { createVolume } from "./createVolume";
import { deleteVolume } from "./deleteVolume";
import { detachVolume } from "./detachVolume";
import { listVolumes } from "./listVolumes";
import { migrateVolume } from "./migrateVolume";
import { resizeVolume } from "./resizeVolume";

export const volumeCommands: AnyCommand[] = [
	listVolumes,
	createVolume,
	attachVolume,
	detachVolume,
	resizeVolume,
	deleteVolume,
	migrateVolume,
];
