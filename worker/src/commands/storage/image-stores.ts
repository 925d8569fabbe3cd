/** @module The secondary-storage (image store) commands; the storage index spreads them in. */
import type { AnyCommand } from "../types";
import { addImageStore } from "./addImageStore";
import { addSecondaryStorage } from "./addSecondaryStorage";
import { deleteImageStore } from "./deleteImageStore";
import { listImageStores } from "./listImageStores";

export const imageStoreCommands: readonly AnyCommand[] = [
	addImageStore,
	addSecondaryStorage,
	listImageStores,
	deleteImageStore,
];
