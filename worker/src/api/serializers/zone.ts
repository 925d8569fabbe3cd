/**
 * @module zone → CloudStack `zone` response, in CloudStack's two views: Full for admin-type
 * callers, Restricted for everyone else (DataCenterJoinDaoImpl hides the DNS servers and the
 * guest CIDR from them; every other field is the same).
 */
import { countDistinct, inArray } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { capacityFigures } from "../../db/repos/capacity";
import type { ZoneRow } from "../../db/repos/inventory";
import { tagsOf } from "../../db/repos/tags";
import { clusters, domains } from "../../db/schema";
import { serializeCapacity } from "./capacity";
import { compact } from "./format";

export type ZoneView = "Full" | "Restricted";

export const ZONE_FIELDS = {
	id: ["string", "Zone id"],
	name: ["string", "Zone name"],
	description: ["string", "Zone description"],
	dns1: ["string", "the first DNS for the Zone"],
	dns2: ["string", "the second DNS for the Zone"],
	ip6dns1: ["string", "the first IPv6 DNS for the Zone"],
	ip6dns2: ["string", "the second IPv6 DNS for the Zone"],
	internaldns1: ["string", "the first internal DNS for the Zone"],
	internaldns2: ["string", "the second internal DNS for the Zone"],
	guestcidraddress: ["string", "the guest CIDR address for the Zone"],
	domain: ["string", "Network domain name for the networks in the zone"],
	domainid: ["string", "the UUID of the containing domain, null for public zones"],
	domainname: ["string", "the name of the containing domain, null for public zones"],
	networktype: ["string", "the network type of the zone; can be Basic or Advanced"],
	securitygroupsenabled: ["boolean", "true if security groups support is enabled, false otherwise"],
	allocationstate: ["string", "the allocation state of the cluster"],
	dhcpprovider: ["string", "the dhcp Provider for the Zone"],
	localstorageenabled: ["boolean", "true if local storage offering enabled, false otherwise"],
	capacity: ["list", "the capacity of the Zone (with showcapacities=true, admin view)"],
	tags: ["set", "the list of resource tags associated with zone."],
	type: ["string", "The type of the zone; can be Core or Edge"],
	hasannotations: ["boolean", "the zone has annotations"],
	allowuserspecifyvrmtu: ["boolean", "Allow end users to specify VR MTU"],
	routerprivateinterfacemaxmtu: ["integer", "The maximum value the MTU can have on the VR's private interfaces"],
	routerpublicinterfacemaxmtu: ["integer", "The maximum value the MTU can have on the VR's public interfaces"],
	isnsxenabled: ["boolean", "true, if zone is NSX enabled"],
	ismultiarch: ["boolean", "true, if zone contains clusters and hosts from different CPU architectures"],
	routedmodeenabled: ["boolean", "true, if routed network/vpc is enabled"],
} as const satisfies FieldTable;

// CloudStack's defaults for the zone-scoped VR MTU settings (no router exists here yet).
const VR_MTU = { allowUserSpecify: false, privateMax: 1500, publicMax: 1500 };

/** The capacity[] of each zone, by zone id (the live figures listCapacity reports). */
async function zoneCapacities(db: Db, rows: readonly ZoneRow[]): Promise<Map<string, Record<string, unknown>[]>> {
	const names = new Map(rows.map((r) => [r.id, r.name]));
	const scope = rows.length === 1 ? { zoneId: rows[0]?.id } : {};
	const figures = await capacityFigures(db, scope, [...names.keys()]);
	const byZone = new Map<string, Record<string, unknown>[]>();
	for (const figure of figures.sort((a, b) => a.type - b.type)) {
		const list = byZone.get(figure.zoneId) ?? [];
		list.push(serializeCapacity(figure, { zoneName: names.get(figure.zoneId) ?? "" }));
		byZone.set(figure.zoneId, list);
	}
	return byZone;
}

/**
 * The zones as CloudStack shows them in `view`, with domain names, tags and architectures (three
 * queries), and with `showCapacities` their capacity[] — in the Full view only, as in CloudStack.
 */
export async function serializeZones(
	db: Db,
	rows: readonly ZoneRow[],
	view: ZoneView,
	showCapacities = false,
): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const domainIds = [...new Set(rows.map((r) => r.domainId).filter((id): id is string => id !== null))];
	const ids = rows.map((r) => r.id);
	const [tags, owners, arches, capacities] = await Promise.all([
		tagsOf(db, "Zone", ids),
		domainIds.length === 0
			? Promise.resolve([])
			: db.select({ id: domains.id, name: domains.name }).from(domains).where(inArray(domains.id, domainIds)),
		db
			.select({ zoneId: clusters.zoneId, n: countDistinct(clusters.arch) })
			.from(clusters)
			.where(inIds(clusters.zoneId, ids))
			.groupBy(clusters.zoneId),
		showCapacities && view === "Full" ? zoneCapacities(db, rows) : Promise.resolve(undefined),
	]);
	const domainName = new Map(owners.map((d) => [d.id, d.name]));
	const archCount = new Map(arches.map((a) => [a.zoneId, a.n]));
	return rows.map((row) => {
		const full = view === "Full";
		return compact({
			id: row.id,
			name: row.name,
			description: row.description,
			dns1: full ? row.dns1 : undefined,
			dns2: full ? row.dns2 : undefined,
			ip6dns1: full ? row.ip6Dns1 : undefined,
			ip6dns2: full ? row.ip6Dns2 : undefined,
			internaldns1: full ? row.internalDns1 : undefined,
			internaldns2: full ? row.internalDns2 : undefined,
			guestcidraddress: full ? row.guestCidr : undefined,
			domain: row.networkDomain,
			domainid: row.domainId,
			domainname: row.domainId ? domainName.get(row.domainId) : undefined,
			networktype: row.networkType,
			securitygroupsenabled: row.securityGroupsEnabled,
			allocationstate: row.allocationState,
			dhcpprovider: row.dhcpProvider,
			localstorageenabled: row.localStorageEnabled,
			capacity: capacities ? (capacities.get(row.id) ?? []) : undefined,
			tags: tags(row.id),
			type: row.isEdge ? "Edge" : "Core",
			hasannotations: false,
			allowuserspecifyvrmtu: VR_MTU.allowUserSpecify,
			routerprivateinterfacemaxmtu: VR_MTU.privateMax,
			routerpublicinterfacemaxmtu: VR_MTU.publicMax,
			isnsxenabled: false,
			ismultiarch: (archCount.get(row.id) ?? 0) > 1,
			routedmodeenabled: false,
		} satisfies Record<keyof typeof ZONE_FIELDS, unknown>);
	});
}
