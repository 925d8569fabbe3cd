import type { AnyCommand } from "../types";
import { addHost } from "./addHost";
import { cancelHostMaintenance } from "./cancelHostMaintenance";
import { deleteHost } from "./deleteHost";
import { findHostsForMigration } from "./findHostsForMigration";
import { listHosts } from "./listHosts";
import { listHostsMetrics } from "./listHostsMetrics";
import { prepareHostForMaintenance } from "./prepareHostForMaintenance";
import { reconnectHost } from "./reconnectHost";
import { updateHost } from "./updateHost";

export const hostCommands: readonly AnyCommand[] = [
	addHost,
	listHosts,
	listHostsMetrics,
	updateHost,
	deleteHost,
	reconnectHost,
	prepareHostForMaintenance,
	cancelHostMaintenance,
	findHostsForMigration,
];
