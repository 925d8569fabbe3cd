import type { AnyCommand } from "../types";
import { addCluster } from "./addCluster";
import { deleteCluster } from "./deleteCluster";
import { listClusters } from "./listClusters";
import { listClustersMetrics } from "./listClustersMetrics";
import { updateCluster } from "./updateCluster";

export const clusterCommands: readonly AnyCommand[] = [
	addCluster,
	listClusters,
	listClustersMetrics,
	updateCluster,
	deleteCluster,
];
