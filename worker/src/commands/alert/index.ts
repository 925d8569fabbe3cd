import { archiveAlerts } from "./archiveAlerts";
import { deleteAlerts } from "./deleteAlerts";
import { listAlerts } from "./listAlerts";
import { listAlertTypes } from "./listAlertTypes";

export const alertCommands = [listAlerts, listAlertTypes, archiveAlerts, deleteAlerts];
