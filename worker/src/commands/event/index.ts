import { archiveEvents } from "./archiveEvents";
import { deleteEvents } from "./deleteEvents";
import { listEvents } from "./listEvents";
import { listEventTypes } from "./listEventTypes";

export const eventCommands = [listEvents, listEventTypes, archiveEvents, deleteEvents];
