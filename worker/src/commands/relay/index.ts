import { createRelayEnrollmentToken } from "./createRelayEnrollmentToken";
import { deleteRelay } from "./deleteRelay";
import { listRelays } from "./listRelays";

export const relayCommands = [createRelayEnrollmentToken, listRelays, deleteRelay];
