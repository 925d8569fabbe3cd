import { eq } from "drizzle-orm";
import { serializeZones, ZONE_FIELDS } from "../../api/serializers/zone";
import { eventInsert } from "../../db/events";
import { allocationState, requireZone, type ZoneRow } from "../../db/repos/inventory";
import { zones } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import {
	assertZoneNameFree,
	guestCidrSetting,
	ipv4Setting,
	ipv6Setting,
	isUniqueViolation,
	type NetworkType,
	networkDomainSetting,
	requiredIpv4,
	zoneName,
} from "./zone-rules";

/** A parsed optional setting: undefined keeps the stored value, null clears it. */
function pick<T>(next: T | null | undefined, current: T | null): T | null {
	return next === undefined ? current : next;
}

export const updateZone = defineCommand({
	name: "updateZone",
	description: "Updates a Zone.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the Zone", { required: true, related: "listZones" }),
		name: p.string("the name of the Zone"),
		dns1: p.string("the first DNS for the Zone"),
		dns2: p.string("the second DNS for the Zone (an empty value removes it)"),
		ip6dns1: p.string("the first DNS for IPv6 network in the Zone"),
		ip6dns2: p.string("the second DNS for IPv6 network in the Zone"),
		internaldns1: p.string("the first internal DNS for the Zone"),
		internaldns2: p.string("the second internal DNS for the Zone"),
		guestcidraddress: p.string("the guest CIDR address for the Zone (Advanced zones; RFC 1918 space)"),
		allocationstate: p.string("Allocation state of this cluster for allocation of new resources"),
		details: p.map("the details for the Zone (accepted and ignored)"),
		domain: p.string(
			"Network domain name for the networks in the zone; empty string will update domain with NULL value",
		),
		localstorageenabled: p.boolean("true if local storage offering enabled, false otherwise"),
		sortkey: p.integer("sort key of the zone, integer", { since: "4.19.0" }),
	},
	responseFields: ZONE_FIELDS,
	related: ["listZones", "createZone"],
	async handle({ params, deps, caller }) {
		const zone = await requireZone(deps.db, params.id, "id");
		const name = params.name === undefined ? zone.name : zoneName(params.name);
		const networkType = zone.networkType as NetworkType;
		const row: ZoneRow = {
			...zone,
			name,
			dns1: params.dns1 === undefined ? zone.dns1 : requiredIpv4(params.dns1, "DNS1"),
			dns2: pick(ipv4Setting(params.dns2, "DNS2"), zone.dns2),
			ip6Dns1: pick(ipv6Setting(params.ip6dns1, "IP6 DNS1"), zone.ip6Dns1),
			ip6Dns2: pick(ipv6Setting(params.ip6dns2, "IP6 DNS2"), zone.ip6Dns2),
			internalDns1:
				params.internaldns1 === undefined ? zone.internalDns1 : requiredIpv4(params.internaldns1, "internal DNS1"),
			internalDns2: pick(ipv4Setting(params.internaldns2, "internal DNS2"), zone.internalDns2),
			guestCidr: pick(guestCidrSetting(params.guestcidraddress, networkType), zone.guestCidr),
			networkDomain: pick(networkDomainSetting(params.domain), zone.networkDomain),
			allocationState: allocationState(params.allocationstate, zone.allocationState as "Enabled" | "Disabled"),
			localStorageEnabled: params.localstorageenabled ?? zone.localStorageEnabled,
			sortKey: params.sortkey ?? zone.sortKey,
		};
		if (name.toLowerCase() !== zone.name.toLowerCase()) await assertZoneNameFree(deps.db, name, zone.id);
		const { id, created, ...changes } = row;
		try {
			await deps.db.batch([
				deps.db.update(zones).set(changes).where(eq(zones.id, id)),
				eventInsert(deps.db, deps.clock.now(), caller, {
					type: "ZONE.EDIT",
					description: `Zone ${name} updated`,
					resourceType: "Zone",
					resourceId: id,
					resourceName: name,
				}),
			]);
		} catch (error) {
			if (isUniqueViolation(error)) await assertZoneNameFree(deps.db, name, zone.id);
			throw error;
		}
		const [value = {}] = await serializeZones(deps.db, [row], "Full");
		return { type: "object", name: "zone", value };
	},
});
