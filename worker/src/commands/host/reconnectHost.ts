import { eq } from "drizzle-orm";
import { HOST_FIELDS } from "../../api/serializers/host";
import { eventInsert } from "../../db/events";
import { requireZone } from "../../db/repos/inventory";
import { hosts } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { connectHost, hostFacts } from "./host-link";
import { hostResponse, requireHost } from "./host-view";

export const reconnectHost = defineCommand({
	name: "reconnectHost",
	description: "Reconnects a host: the zone's relay agent reaches its libvirtd again and reads its facts",
	access: "authenticated",
	authorized: ["Admin"],
	async: {
		className: "org.apache.cloudstack.api.command.admin.host.ReconnectHostCmd",
		instanceType: "Host",
	},
	params: {
		id: p.uuid("the host ID", { required: true, related: "listHosts" }),
	},
	responseFields: HOST_FIELDS,
	related: ["listHosts"],
	async handle({ params, deps, caller }) {
		const host = await requireHost(deps.db, params.id);
		const zone = await requireZone(deps.db, host.zoneId);
		await deps.db.update(hosts).set({ state: "Connecting" }).where(eq(hosts.id, host.id));
		const connected = await connectHost(deps, zone, host.id, host.url);
		const now = deps.clock.now();
		const event = { resourceType: "Host", resourceId: host.id, resourceName: host.name };
		if (!connected.ok) {
			// Without an agent nobody knows how the host is: Disconnected, as when the relay goes.
			const state = connected.code === "no_relay" ? "Disconnected" : "Down";
			await deps.db.batch([
				deps.db.update(hosts).set({ state, disconnected: now }).where(eq(hosts.id, host.id)),
				eventInsert(deps.db, now, caller, {
					...event,
					type: "HOST.RECONNECT",
					level: "ERROR",
					description: `Reconnect of host ${host.name} failed: ${connected.error.message}`,
				}),
			]);
			throw connected.error;
		}
		await deps.db.batch([
			deps.db
				.update(hosts)
				.set({ ...hostFacts(connected.host), state: "Up", lastPinged: now })
				.where(eq(hosts.id, host.id)),
			eventInsert(deps.db, now, caller, {
				...event,
				type: "HOST.RECONNECT",
				description: `Host ${host.name} reconnected`,
			}),
		]);
		return { type: "object", name: "host", value: await hostResponse(deps.db, host.id) };
	},
});
