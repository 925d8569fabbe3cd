import type { AnyCommand } from "../types";
import { createNetwork } from "./createNetwork";
import { createVlanIpRange } from "./createVlanIpRange";
import { deleteVlanIpRange } from "./deleteVlanIpRange";
import { listNetworkOfferings } from "./listNetworkOfferings";
import { listNetworks } from "./listNetworks";
import { listVlanIpRanges } from "./listVlanIpRanges";

export const networkCommands: readonly AnyCommand[] = [
	createVlanIpRange,
	listVlanIpRanges,
	deleteVlanIpRange,
	listNetworks,
	listNetworkOfferings,
	createNetwork,
];
