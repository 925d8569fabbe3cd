import { listEvents } from "./listEvents";

export const eventCommands = [listEvents];
