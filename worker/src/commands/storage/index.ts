import { cancelStorageMaintenance } from "./cancelStorageMaintenance";
import { createStoragePool } from "./createStoragePool";
import { deleteStoragePool } from "./deleteStoragePool";
import { enableStorageMaintenance } from "./enableStorageMaintenance";
import { imageStoreCommands } from "./image-stores";
import { listStoragePools } from "./listStoragePools";
import { listStorageProviders } from "./listStorageProviders";
import { updateStoragePool } from "./updateStoragePool";

/** Primary storage (this file's commands) and image stores (image-stores.ts). */
export const storageCommands = [
	createStoragePool,
	listStoragePools,
	updateStoragePool,
	deleteStoragePool,
	enableStorageMaintenance,
	cancelStorageMaintenance,
	listStorageProviders,
	...imageStoreCommands,
];
