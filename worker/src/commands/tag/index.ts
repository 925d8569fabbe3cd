import type { AnyCommand } from "../types";
import { createTags } from "./createTags";
import { deleteTags } from "./deleteTags";
import { listTags } from "./listTags";

export const tagCommands: readonly AnyCommand[] = [createTags, deleteTags, listTags];
