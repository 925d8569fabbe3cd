import { listConfigurations } from "./listConfigurations";
import { updateConfiguration } from "./updateConfiguration";

export const configCommands = [listConfigurations, updateConfiguration];
