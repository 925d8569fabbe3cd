import type { AnyCommand } from "../types";
import { createSSHKeyPair } from "./createSSHKeyPair";
import { deleteSSHKeyPair } from "./deleteSSHKeyPair";
import { listSSHKeyPairs } from "./listSSHKeyPairs";
import { registerSSHKeyPair } from "./registerSSHKeyPair";

export const sshKeyCommands: AnyCommand[] = [createSSHKeyPair, registerSSHKeyPair, listSSHKeyPairs, deleteSSHKeyPair];
