import { and, eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { describeBlockers, requireZone, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { imageStores, networks, pods, storagePools, vlanIpRanges, zones } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteZone = defineCommand({
	name: "deleteZone",
	description: "Deletes a Zone.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the Zone", { required: true, related: "listZones" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createZone", "listZones"],
	async handle({ params, deps, caller }) {
		const zone = await requireZone(deps.db, params.id, "id");
		// Everything that lives in the zone blocks its removal, except the default guest network
		// a basic zone was created with (it goes with the zone).
		const [podRows, poolRows, storeRows, networkRows, rangeRows] = await Promise.all([
			deps.db.select({ name: pods.name }).from(pods).where(eq(pods.zoneId, zone.id)).orderBy(pods.created, pods.id),
			deps.db.select({ name: storagePools.name }).from(storagePools).where(eq(storagePools.zoneId, zone.id)),
			deps.db.select({ name: imageStores.name }).from(imageStores).where(eq(imageStores.zoneId, zone.id)),
			deps.db
				.select({ id: networks.id, name: networks.name, isDefault: networks.isDefault })
				.from(networks)
				.where(eq(networks.zoneId, zone.id)),
			deps.db
				.select({ start: vlanIpRanges.startIp, end: vlanIpRanges.endIp })
				.from(vlanIpRanges)
				.where(eq(vlanIpRanges.zoneId, zone.id)),
		]);
		const defaultNetwork = networkRows.find((n) => n.isDefault);
		const blockers = [
			podRows.length
				? describeBlockers(
						"pod",
						podRows.map((r) => r.name),
					)
				: "",
			poolRows.length
				? describeBlockers(
						"primary storage pool",
						poolRows.map((r) => r.name),
					)
				: "",
			storeRows.length
				? describeBlockers(
						"image store",
						storeRows.map((r) => r.name),
					)
				: "",
			networkRows.some((n) => !n.isDefault)
				? describeBlockers(
						"network",
						networkRows.filter((n) => !n.isDefault).map((r) => r.name),
					)
				: "",
			rangeRows.length
				? describeBlockers(
						"guest IP range",
						rangeRows.map((r) => `${r.start}-${r.end}`),
					)
				: "",
		].filter((text) => text !== "");
		if (blockers.length > 0) {
			throw resourceInUse(`The zone ${zone.name} cannot be deleted because it has ${blockers.join(", ")}`);
		}
		await deps.db.batch([
			deps.db.delete(zones).where(eq(zones.id, zone.id)),
			deps.db.delete(networks).where(and(eq(networks.zoneId, zone.id), eq(networks.isDefault, true))),
			deleteTagsOf(deps.db, "Zone", zone.id),
			...(defaultNetwork ? [deleteTagsOf(deps.db, "Network", defaultNetwork.id)] : []),
			eventInsert(deps.db, deps.clock.now(), caller, {
				type: "ZONE.DELETE",
				description: `Zone ${zone.name} deleted`,
				resourceType: "Zone",
				resourceId: zone.id,
				resourceName: zone.name,
			}),
		]);
		return { type: "success" };
	},
});
