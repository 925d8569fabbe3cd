import { and, eq } from "drizzle-orm";
import { invalidParam } from "../../api/errors";
import { eventInsert } from "../../db/events";
import { relays } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

/**
 * Revokes a relay: it stays listed as Revoked and its credentials are refused from now on
 * (verifyRelayJwt answers "revoked"; the zone's Durable Object closes the relay's sockets with
 * close{revoked}, so the agent exits). Revoking a revoked relay changes nothing.
 */
export const deleteRelay = defineCommand({
	name: "deleteRelay",
	description: "Revokes a relay agent: its credentials are refused from then on",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the relay", { required: true, related: "listRelays" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["listRelays"],
	async handle({ params, deps, caller }) {
		const relay = await deps.db.select().from(relays).where(eq(relays.id, params.id)).get();
		if (!relay) throw invalidParam("id", params.id);
		if (relay.state === "Revoked") return { type: "success" };
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db
				.update(relays)
				.set({ state: "Revoked", revoked: now })
				.where(and(eq(relays.id, relay.id), eq(relays.state, "Enabled"))),
			eventInsert(deps.db, now, caller, {
				type: "RELAY.REVOKE",
				description: `Relay ${relay.name} revoked`,
				resourceType: "Relay",
				resourceId: relay.id,
				resourceName: relay.name,
			}),
		]);
		await deps.relay.revoke(relay.zoneId, relay.id);
		return { type: "success" };
	},
});
