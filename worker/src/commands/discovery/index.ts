import { listApis } from "./listApis";
import { listCapabilities } from "./listCapabilities";

export const discoveryCommands = [listApis, listCapabilities];
