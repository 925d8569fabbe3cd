import { CsError, ERROR } from "../../api/errors";
import { serializeZones, ZONE_FIELDS } from "../../api/serializers/zone";
import { ROOT_DOMAIN_ID } from "../../db/bootstrap";
import { eventInsert } from "../../db/events";
import { requireDomain } from "../../db/repos/domains";
import { allocationState, type ZoneRow } from "../../db/repos/inventory";
import { defaultGuestNetworkRow } from "../../db/repos/networks";
import { networks, zones } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import {
	assertZoneNameFree,
	guestCidrSetting,
	ipv4Setting,
	ipv6Setting,
	isUniqueViolation,
	networkDomainSetting,
	parseNetworkType,
	requiredIpv4,
	zoneName,
} from "./zone-rules";

export const createZone = defineCommand({
	name: "createZone",
	description: "Creates a Zone.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		dns1: p.string("the first DNS for the Zone", { required: true }),
		dns2: p.string("the second DNS for the Zone"),
		ip6dns1: p.string("the first DNS for IPv6 network in the Zone"),
		ip6dns2: p.string("the second DNS for IPv6 network in the Zone"),
		guestcidraddress: p.string("the guest CIDR address for the Zone (Advanced zones; RFC 1918 space)"),
		internaldns1: p.string("the first internal DNS for the Zone", { required: true }),
		internaldns2: p.string("the second internal DNS for the Zone"),
		name: p.string("the name of the Zone", { required: true }),
		domain: p.string("Network domain name for the networks in the zone"),
		domainid: p.uuid("the ID of the containing domain, null for public zones", { related: "listDomains" }),
		networktype: p.string("network type of the zone, can be Basic or Advanced", { required: true }),
		allocationstate: p.string(
			"Allocation state of this Zone for allocation of new resources (Enabled or Disabled; default Disabled)",
		),
		securitygroupenabled: p.boolean(
			"true if network is security group enabled, false otherwise (always true for Basic zones)",
		),
		localstorageenabled: p.boolean("true if local storage offering enabled, false otherwise"),
		isedge: p.boolean("true if the zone is an edge zone, false otherwise (Advanced zones only)", { since: "4.18.0" }),
	},
	responseFields: ZONE_FIELDS,
	related: ["listZones", "updateZone"],
	async handle({ params, deps, caller }) {
		const name = zoneName(params.name);
		const networkType = parseNetworkType(params.networktype);
		const isEdge = params.isedge ?? false;
		if (isEdge && networkType !== "Advanced") {
			throw new CsError(ERROR.paramError, "An edge zone must have networktype Advanced");
		}
		const row: ZoneRow = {
			id: newUuid(),
			name,
			description: null,
			networkType,
			dns1: requiredIpv4(params.dns1, "DNS1"),
			dns2: ipv4Setting(params.dns2, "DNS2") ?? null,
			ip6Dns1: ipv6Setting(params.ip6dns1, "IP6 DNS1") ?? null,
			ip6Dns2: ipv6Setting(params.ip6dns2, "IP6 DNS2") ?? null,
			internalDns1: requiredIpv4(params.internaldns1, "internal DNS1"),
			internalDns2: ipv4Setting(params.internaldns2, "internal DNS2") ?? null,
			guestCidr: guestCidrSetting(params.guestcidraddress, networkType) ?? null,
			networkDomain: networkDomainSetting(params.domain) ?? null,
			domainId: params.domainid ? (await requireDomain(deps.db, params.domainid)).id : null,
			// New zones start Disabled (CloudStack 3.0+): the admin enables them once set up.
			allocationState: allocationState(params.allocationstate, "Disabled"),
			localStorageEnabled: params.localstorageenabled ?? false,
			// A Basic zone isolates guests with security groups, so CloudStack always turns them on.
			securityGroupsEnabled: networkType === "Basic" ? true : (params.securitygroupenabled ?? false),
			dhcpProvider: "VirtualRouter",
			isEdge,
			sortKey: 0,
			created: deps.clock.now(),
		};
		await assertZoneNameFree(deps.db, name);
		const writes = [
			deps.db.insert(zones).values(row),
			eventInsert(deps.db, row.created, caller, {
				type: "ZONE.CREATE",
				description: `Successfully created zone ${name}`,
				resourceType: "Zone",
				resourceId: row.id,
				resourceName: name,
			}),
		] as const;
		try {
			if (networkType === "Basic") {
				// The basic zone's one shared guest network exists from the start, as in CloudStack.
				const network = defaultGuestNetworkRow(row, ROOT_DOMAIN_ID, row.created);
				await deps.db.batch([...writes, deps.db.insert(networks).values(network)]);
			} else {
				await deps.db.batch(writes);
			}
		} catch (error) {
			if (isUniqueViolation(error)) await assertZoneNameFree(deps.db, name);
			throw error;
		}
		const [value = {}] = await serializeZones(deps.db, [row], "Full");
		return { type: "object", name: "zone", value };
	},
});
