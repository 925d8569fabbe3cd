import type { AnyCommand } from "../types";
import { createZone } from "./createZone";
import { deleteZone } from "./deleteZone";
import { listZones } from "./listZones";
import { listZonesMetrics } from "./listZonesMetrics";
import { updateZone } from "./updateZone";

export const zoneCommands: readonly AnyCommand[] = [createZone, listZones, updateZone, deleteZone, listZonesMetrics];
