/**
 * @module host.connect, host.refresh and host.disconnect: the Worker's way to add a host to this
 * agent, read it again and drop it. Driver failures answer `unreachable` (or `timeout`); an unknown
 * host id on refresh answers `invalid`; disconnect of an unknown host succeeds (it is gone either way).
 */
import type { CommandHandlers } from "../dispatcher.ts";
import { CommandError } from "../dispatcher.ts";
import type { Hosts } from "../hosts.ts";

type HostHandlers = Pick<CommandHandlers, "host.connect" | "host.refresh" | "host.disconnect">;

export function hostHandlers(hosts: Hosts): HostHandlers {
	return {
		"host.connect": async ({ hostId, uri }, { signal, remainingMs }) =>
			hosts.connect(hostId, uri, signal, remainingMs()),

		"host.refresh": async ({ hostId }, { signal, remainingMs }) => {
			const host = await hosts.refresh(hostId, signal, remainingMs());
			if (!host) throw new CommandError("invalid", `this agent does not know host ${hostId}`);
			return host;
		},

		"host.disconnect": async ({ hostId }) => {
			hosts.forget(hostId);
			return {};
		},
	};
}
