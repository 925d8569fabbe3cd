/** @module Guest networks other commands create or look up: a basic zone's default network. */
import { and, eq } from "drizzle-orm";
import { BASIC_ZONE_OFFERING } from "../../domain/network-offerings";
import { newUuid } from "../../lib/ids";
import type { Db } from "../client";
import { networks } from "../schema";

export type NetworkRow = typeof networks.$inferSelect;

/**
 * The row of a basic zone's default shared guest network, created with the zone (CloudStack
 * creates it when the zone's guest traffic is set up; a basic zone has exactly one). Its gateway
 * and netmask come from the first guest IP range added to it.
 */
export function defaultGuestNetworkRow(
	zone: { id: string; name: string; networkDomain: string | null },
	rootDomainId: string,
	now: number,
): NetworkRow {
	return {
		id: newUuid(),
		name: "defaultGuestNetwork",
		displayText: `Default guest network of zone ${zone.name}`,
		zoneId: zone.id,
		networkOfferingId: BASIC_ZONE_OFFERING.id,
		guestType: "Shared",
		trafficType: "Guest",
		gateway: null,
		netmask: null,
		cidr: null,
		vlan: null,
		networkDomain: zone.networkDomain,
		state: "Setup",
		aclType: "Domain",
		domainId: rootDomainId,
		accountId: null,
		subdomainAccess: true,
		isDefault: true,
		created: now,
	};
}

/** The zone's default guest network, if it has one (basic zones do). */
export async function zoneDefaultNetwork(db: Db, zoneId: string): Promise<NetworkRow | undefined> {
	return db
		.select()
		.from(networks)
		.where(and(eq(networks.zoneId, zoneId), eq(networks.isDefault, true)))
		.get();
}
