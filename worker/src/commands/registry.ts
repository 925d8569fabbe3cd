/**
 * @module The command table: every API command, by its exact (case-sensitive) CloudStack name.
 * Built once at module load; a duplicate name is a programming error and fails at start.
 */
import { accountCommands } from "./account";
import { alertCommands } from "./alert";
import { authCommands } from "./auth";
import { capacityCommands } from "./capacity";
import { catalogCommands } from "./catalog";
import { clusterCommands } from "./cluster";
import { configCommands } from "./config";
import { discoveryCommands } from "./discovery";
import { domainCommands } from "./domain";
import { eventCommands } from "./event";
import { hostCommands } from "./host";
import { jobCommands } from "./job";
import { networkCommands } from "./network";
import { offeringCommands } from "./offering";
import { podCommands } from "./pod";
import { relayCommands } from "./relay";
import { roleCommands } from "./role";
import { snapshotCommands } from "./snapshot";
import { sshKeyCommands } from "./sshkey";
import { storageCommands } from "./storage";
import { tagCommands } from "./tag";
import { templateCommands } from "./template";
import type { AnyCommand } from "./types";
import { userCommands } from "./user";
import { vmCommands } from "./vm";
import { vmSnapshotCommands } from "./vmsnapshot";
import { volumeCommands } from "./volume";
import { webhookCommands } from "./webhook";
import { zoneCommands } from "./zone";

function buildRegistry(families: readonly (readonly AnyCommand[])[]): ReadonlyMap<string, AnyCommand> {
	const table = new Map<string, AnyCommand>();
	for (const command of families.flat()) {
		if (table.has(command.name)) throw new Error(`duplicate command ${command.name}`);
		table.set(command.name, command);
	}
	return table;
}

export const commands = buildRegistry([
	authCommands,
	discoveryCommands,
	domainCommands,
	accountCommands,
	userCommands,
	roleCommands,
	configCommands,
	eventCommands,
	alertCommands,
	jobCommands,
	zoneCommands,
	podCommands,
	clusterCommands,
	hostCommands,
	storageCommands,
	networkCommands,
	offeringCommands,
	catalogCommands,
	capacityCommands,
	tagCommands,
	webhookCommands,
	relayCommands,
	templateCommands,
	vmCommands,
	volumeCommands,
	snapshotCommands,
	vmSnapshotCommands,
	sshKeyCommands,
]);
