/** @module guest IP range → CloudStack `vlan` / `vlaniprange` response (VlanIpRangeResponse). */
import { inArray } from "drizzle-orm";
import type { FieldTable } from "../../commands/types";
import type { Db } from "../../db/client";
import { inIds } from "../../db/in-ids";
import { accounts, domains, networks, pods, type vlanIpRanges } from "../../db/schema";
import { formatIpv4, netmaskBits, networkOf, parseIpv4 } from "../../domain/ipv4";
import { displayPath } from "./domain";
import { compact } from "./format";

export type VlanIpRangeRow = typeof vlanIpRanges.$inferSelect;

export const VLAN_IP_RANGE_FIELDS = {
	id: ["string", "the ID of the VLAN IP range"],
	forvirtualnetwork: ["boolean", "the virtual network for the VLAN IP range (always false: guest ranges are direct)"],
	zoneid: ["string", "the Zone ID of the VLAN IP range"],
	vlan: ["string", "the ID or VID of the VLAN."],
	account: ["string", "the account of the VLAN IP range"],
	domainid: ["string", "the domain ID of the VLAN IP range"],
	domain: ["string", "the domain name of the VLAN IP range"],
	domainpath: ["string", "path of the domain to which the VLAN IP range belongs"],
	podid: ["string", "the Pod ID for the VLAN IP range"],
	podname: ["string", "the Pod name for the VLAN IP range"],
	description: ["string", "the description of the VLAN IP range"],
	gateway: ["string", "the gateway of the VLAN IP range"],
	netmask: ["string", "the netmask of the VLAN IP range"],
	cidr: ["string", "the cidr of the VLAN IP range"],
	startip: ["string", "the start ip of the VLAN IP range"],
	endip: ["string", "the end ip of the VLAN IP range"],
	networkid: ["string", "the network id of vlan range"],
	forsystemvms: ["boolean", "indicates whether VLAN IP range is dedicated to system vms or not"],
} as const satisfies FieldTable;

/** "10.1.1.0/24" for a gateway and netmask. */
export function cidrOf(gateway: string, netmask: string): string | undefined {
	const ip = parseIpv4(gateway);
	const bits = netmaskBits(netmask);
	if (ip === null || bits === null) return undefined;
	return `${formatIpv4(networkOf(ip, bits))}/${bits}`;
}

interface Owner {
	account?: string | undefined;
	domain?: { id: string; name: string; path: string } | undefined;
}

export function serializeVlanIpRange(
	row: VlanIpRangeRow,
	extra: { podName?: string | undefined; owner: Owner },
): Record<string, unknown> {
	return compact({
		id: row.id,
		forvirtualnetwork: row.forVirtualNetwork,
		zoneid: row.zoneId,
		vlan: row.vlan,
		account: extra.owner.account,
		domainid: extra.owner.domain?.id,
		domain: extra.owner.domain?.name,
		domainpath: extra.owner.domain ? displayPath(extra.owner.domain.path) : undefined,
		podid: row.podId,
		podname: extra.podName,
		description: `${row.startIp}-${row.endIp}`,
		gateway: row.gateway,
		netmask: row.netmask,
		cidr: cidrOf(row.gateway, row.netmask),
		startip: row.startIp,
		endip: row.endIp,
		networkid: row.networkId,
		forsystemvms: false,
	} satisfies Record<keyof typeof VLAN_IP_RANGE_FIELDS, unknown>);
}

/**
 * Serialises ranges with their pod names and owners. A dedicated range shows its account/domain;
 * any other shows its network's owner, as CloudStack does.
 */
export async function serializeVlanIpRanges(db: Db, rows: VlanIpRangeRow[]): Promise<Record<string, unknown>[]> {
	if (rows.length === 0) return [];
	const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
	const networkRows = await db
		.select({ id: networks.id, domainId: networks.domainId, accountId: networks.accountId })
		.from(networks)
		.where(inIds(networks.id, unique(rows.map((r) => r.networkId))));
	const networkOwner = new Map(networkRows.map((n) => [n.id, n]));
	const ownerOf = (row: VlanIpRangeRow) => {
		if (row.domainId) return { domainId: row.domainId, accountId: row.accountId };
		const network = networkOwner.get(row.networkId);
		return { domainId: network?.domainId ?? null, accountId: network?.accountId ?? null };
	};
	const owners = rows.map(ownerOf);
	const podIds = unique(rows.map((r) => r.podId));
	const domainIds = unique(owners.map((o) => o.domainId));
	const accountIds = unique(owners.map((o) => o.accountId));
	const [podRows, domainRows, accountRows] = await Promise.all([
		podIds.length
			? db.select({ id: pods.id, name: pods.name }).from(pods).where(inIds(pods.id, podIds))
			: Promise.resolve([]),
		domainIds.length
			? db
					.select({ id: domains.id, name: domains.name, path: domains.path })
					.from(domains)
					.where(inIds(domains.id, domainIds))
			: Promise.resolve([]),
		accountIds.length
			? db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, accountIds))
			: Promise.resolve([]),
	]);
	const podNames = new Map(podRows.map((p) => [p.id, p.name]));
	const domainsById = new Map(domainRows.map((d) => [d.id, d]));
	const accountNames = new Map(accountRows.map((a) => [a.id, a.name]));
	return rows.map((row, i) => {
		const owner = owners[i] ?? { domainId: null, accountId: null };
		return serializeVlanIpRange(row, {
			podName: row.podId ? podNames.get(row.podId) : undefined,
			owner: {
				account: owner.accountId ? accountNames.get(owner.accountId) : undefined,
				domain: owner.domainId ? domainsById.get(owner.domainId) : undefined,
			},
		});
	});
}
