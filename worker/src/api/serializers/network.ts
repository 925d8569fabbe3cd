/** @module guest network → CloudStack `network` response (one query per kind of name it shows). */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import type { NetworkRow } from "../../db/repos/networks";
import { tagsOf } from "../../db/repos/tags";
import { accounts, domains, guestIps, networks, zones } from "../../db/schema";
import { findNetworkOffering } from "../../domain/network-offerings";
import { displayPath } from "./domain";
import { compact, csDate } from "./format";
import { offeringServices } from "./network-offering";

export const NETWORK_FIELDS = {
	id: ["string", "the id of the network"],
	name: ["string", "the name of the network"],
	displaytext: ["string", "the displaytext of the network"],
	zoneid: ["string", "zone id of the network"],
	zonename: ["string", "the name of the zone the network belongs to"],
	networkofferingid: ["string", "network offering id the network is created from"],
	networkofferingname: ["string", "name of the network offering the network is created from"],
	networkofferingdisplaytext: ["string", "display text of the network offering the network is created from"],
	networkofferingconservemode: ["boolean", "true if network offering is ip conserve mode enabled"],
	networkofferingavailability: ["string", "availability of the network offering the network is created from"],
	type: ["string", "the type of the network"],
	traffictype: ["string", "the traffic type of the network"],
	broadcastdomaintype: ["string", "Broadcast domain type of the network"],
	gateway: ["string", "the network's gateway"],
	netmask: ["string", "the network's netmask"],
	cidr: ["string", "Cloudstack managed address space, all CloudStack managed VMs get IP address from CIDR"],
	vlan: ["string", "The vlan of the network. This parameter is visible to ROOT admins only"],
	state: ["string", "state of the network"],
	acltype: ["string", "acl type - access type to the network"],
	domainid: ["string", "the domain id of the network owner"],
	domain: ["string", "the domain name of the network owner"],
	domainpath: ["string", "path of the Domain the network belongs to"],
	account: ["string", "the owner of the network"],
	subdomainaccess: ["boolean", "true if users from subdomains can access the domain level network"],
	isdefault: ["boolean", "true if network is default, false otherwise"],
	networkdomain: ["string", "the network domain"],
	service: ["list", "the list of services"],
	specifyvlan: ["boolean", "true if network supports specifying vlan, false otherwise"],
	specifyipranges: ["boolean", "true if network supports specifying ip ranges, false otherwise"],
	canusefordeploy: ["boolean", "list networks available for vm deployment (true while it has a free guest IP address)"],
	issystem: ["boolean", "true if network is system, false otherwise"],
	ispersistent: ["boolean", "list networks that are persistent"],
	restartrequired: ["boolean", "true network requires restart"],
	displaynetwork: ["boolean", "an optional field, whether to the display the network to the end user or not."],
	tags: ["list", "the list of resource tags associated with network"],
	created: ["date", "the date this network was created"],
} as const satisfies FieldTable;

interface Names {
	zone?: string | undefined;
	domain?: { name: string; path: string } | undefined;
	account?: string | undefined;
	hasFreeIp: boolean;
	tags: Record<string, unknown>[];
	/** ROOT admins (CloudStack's Full view) see the VLAN. */
	full: boolean;
}

export function serializeNetwork(row: NetworkRow, names: Names): Record<string, unknown> {
	const offering = findNetworkOffering(row.networkOfferingId);
	return compact({
		id: row.id,
		name: row.name,
		displaytext: row.displayText,
		zoneid: row.zoneId,
		zonename: names.zone,
		networkofferingid: row.networkOfferingId,
		networkofferingname: offering?.name,
		networkofferingdisplaytext: offering?.displayText,
		networkofferingconservemode: true,
		networkofferingavailability: "Optional",
		type: row.guestType,
		traffictype: row.trafficType,
		broadcastdomaintype: row.vlan && row.vlan !== "untagged" ? "Vlan" : "Native",
		gateway: row.gateway,
		netmask: row.netmask,
		cidr: row.cidr,
		vlan: names.full ? row.vlan : undefined,
		state: row.state,
		acltype: row.aclType,
		domainid: row.domainId,
		domain: names.domain?.name,
		domainpath: names.domain ? displayPath(names.domain.path) : undefined,
		account: names.account,
		subdomainaccess: row.aclType === "Domain" ? (row.subdomainAccess ?? true) : undefined,
		isdefault: row.isDefault,
		networkdomain: row.networkDomain,
		service: offering ? offeringServices(offering) : [],
		specifyvlan: offering?.specifyVlan ?? false,
		specifyipranges: offering?.specifyIpRanges ?? true,
		canusefordeploy: names.hasFreeIp,
		issystem: false,
		ispersistent: false,
		restartrequired: false,
		displaynetwork: true,
		tags: names.tags,
		created: csDate(row.created),
	} satisfies Record<keyof typeof NETWORK_FIELDS, unknown>);
}

/** Networks with a free guest address (CloudStack's canUseForDeploy for shared networks). */
export function hasFreeGuestIp() {
	return sql`EXISTS (SELECT 1 FROM ${guestIps} WHERE ${guestIps.networkId} = ${networks.id} AND ${guestIps.allocatedTo} IS NULL)`;
}

/** Serialises rows with their zone, domain and account names, tags and free-address flag. */
export async function serializeNetworks(
	db: Db,
	rows: NetworkRow[],
	options: { full: boolean },
): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
	const accountIds = unique(rows.map((r) => r.accountId));
	const [zoneRows, domainRows, accountRows, free, tags] = await Promise.all([
		db
			.select({ id: zones.id, name: zones.name })
			.from(zones)
			.where(inIds(zones.id, unique(rows.map((r) => r.zoneId)))),
		db
			.select({ id: domains.id, name: domains.name, path: domains.path })
			.from(domains)
			.where(inIds(domains.id, unique(rows.map((r) => r.domainId)))),
		accountIds.length
			? db
					.select({ id: accounts.id, name: accounts.name })
					.from(accounts)
					.where(and(inIds(accounts.id, accountIds), isNull(accounts.removed)))
			: Promise.resolve([]),
		db
			.select({ id: networks.id })
			.from(networks)
			.where(and(inIds(networks.id, ids), hasFreeGuestIp())),
		tagsOf(db, "Network", ids),
	]);
	const zoneNames = new Map(zoneRows.map((z) => [z.id, z.name]));
	const domainsById = new Map(domainRows.map((d) => [d.id, d]));
	const accountNames = new Map(accountRows.map((a) => [a.id, a.name]));
	const withFree = new Set(free.map((f) => f.id));
	return rows.map((row) =>
		serializeNetwork(row, {
			zone: zoneNames.get(row.zoneId),
			domain: domainsById.get(row.domainId),
			account: row.accountId ? accountNames.get(row.accountId) : undefined,
			hasFreeIp: withFree.has(row.id),
			tags: tags(row.id),
			full: options.full,
		}),
	);
}

/** One network as the API shows it. */
export async function networkView(db: Db, id: string, options: { full: boolean }): Promise<Record<string, unknown>> {
	const row = await db.select().from(networks).where(eq(networks.id, id)).get();
	if (!row) return {};
	const [value = {}] = await serializeNetworks(db, [row], options);
	return value;
}
