/**
 * @module vm.start, vm.stop, vm.reboot, vm.migrate, vm.attachDisk and vm.detachDisk: guests on the
 * hosts this agent knows, by host id (the registry gives the URI and so the driver). An unknown
 * host is `invalid`; a driver failure keeps its code (`unreachable`, `timeout`, `failed`). Every
 * change a command makes is noted in the registry at once, so its `domain.state` event goes out
 * now and the next hello is current, without waiting for the next poll.
 */
import type { ConfigDrive, Domain } from "@flarestack/protocol";
import { type CommandContext, CommandError, type CommandHandlers } from "../dispatcher.ts";
import type { CallOptions, GuestSettings } from "../drivers/driver.ts";
import type { VmDriverPicker } from "../drivers/index.ts";
import type { Hosts } from "../hosts.ts";

export type VmCommand = "vm.start" | "vm.stop" | "vm.reboot" | "vm.migrate" | "vm.attachDisk" | "vm.detachDisk";
export type VmHandlers = Pick<CommandHandlers, VmCommand>;

export interface VmHandlerOptions {
	hosts: Hosts;
	drivers: VmDriverPicker;
	settings: GuestSettings;
	/** Writes a guest's config drive (ISO 9660) to its store before the guest starts. */
	writeConfigDrive: (drive: ConfigDrive, signal: AbortSignal) => Promise<void>;
}

const callOptions = ({ signal, remainingMs }: CommandContext): CallOptions => ({
	timeoutMs: Math.max(1, remainingMs()),
	signal,
});

const report = ({ uuid, name, state }: Domain) => ({ uuid, name, state });

export function vmHandlers({ hosts, drivers, settings, writeConfigDrive }: VmHandlerOptions): VmHandlers {
	const uriOf = (hostId: string) => {
		const uri = hosts.uriOf(hostId);
		if (!uri) throw new CommandError("invalid", `this agent does not know host ${hostId}`);
		return uri;
	};
	/** The uuid the registry last saw for `name` on the host (for the `shutoff` note after a stop). */
	const knownUuid = (hostId: string, name: string) => hosts.get(hostId)?.domains.find((d) => d.name === name)?.uuid;

	return {
		"vm.start": async ({ hostId, domain: spec }, context) => {
			const uri = uriOf(hostId);
			if (spec.configDrive) await writeConfigDrive(spec.configDrive, context.signal);
			const domain = await drivers(uri).startDomain(uri, spec, settings, callOptions(context));
			hosts.noteDomain(hostId, domain);
			return report(domain);
		},

		"vm.stop": async ({ hostId, name, graceMs }, context) => {
			const uri = uriOf(hostId);
			await drivers(uri).stopDomain(uri, name, graceMs, callOptions(context));
			const uuid = knownUuid(hostId, name);
			if (uuid) hosts.noteDomain(hostId, { name, uuid, state: "shutoff" });
			return {};
		},

		"vm.reboot": async ({ hostId, name }, context) => {
			const uri = uriOf(hostId);
			const domain = await drivers(uri).resetDomain(uri, name, callOptions(context));
			hosts.noteDomain(hostId, domain);
			return report(domain);
		},

		"vm.migrate": async ({ hostId, name, targetHostId }, context) => {
			const uri = uriOf(hostId);
			const targetUri = uriOf(targetHostId);
			if (targetHostId === hostId || targetUri === uri) {
				throw new CommandError("invalid", `cannot migrate ${name} to the host it runs on`);
			}
			const domain = await drivers(uri).migrateDomain(uri, name, { uri: targetUri }, callOptions(context));
			hosts.noteDomain(targetHostId, domain);
			hosts.noteDomain(hostId, { ...domain, state: "shutoff" });
			return report(domain);
		},

		"vm.attachDisk": async ({ hostId, name, disk }, context) => {
			const uri = uriOf(hostId);
			await drivers(uri).attachDisk(uri, name, disk, callOptions(context));
			return {};
		},

		"vm.detachDisk": async ({ hostId, name, target }, context) => {
			const uri = uriOf(hostId);
			await drivers(uri).detachDisk(uri, name, target, callOptions(context));
			return {};
		},
	};
}
