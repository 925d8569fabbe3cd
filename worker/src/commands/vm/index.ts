import { vmCoreCommands } from "./core";
import { vmLifecycleCommands } from "./lifecycle";

export const vmCommands = [...vmCoreCommands, ...vmLifecycleCommands];
