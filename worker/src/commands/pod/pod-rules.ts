/**
 * @module The management-range rules createPod and updatePod share (ConfigurationManagerImpl's
 * checkPodAttributes and checkIpRange): a contiguous netmask, start and end inside the
 * gateway's subnet and in order, the gateway outside the range, and no overlap with the range of
 * another pod of the zone. Failures are 431 with CloudStack's wording where it has one.
 */
import { and, eq, ne, type SQL } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import type { Db } from "../../db/client";
import type { PodRow } from "../../db/repos/inventory";
import { pods } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { formatIpv4, inRange, netmaskBits, networkOf, parseIpv4, rangesOverlap, sameSubnet } from "../../domain/ipv4";

export interface PodNetwork {
	gateway: string;
	netmask: string;
	startIp: string;
	endIp: string;
}

export interface PodNetworkInput {
	gateway?: string | undefined;
	netmask?: string | undefined;
	startip?: string | undefined;
	endip?: string | undefined;
}

function invalid(text: string): CsError {
	return new CsError(ERROR.paramError, text);
}

/** The last usable address of the subnet (CloudStack's default end of a pod range). */
function lastUsable(ip: number, bits: number): number {
	const size = 2 ** (32 - bits);
	return networkOf(ip, bits) + Math.max(size - 2, 0);
}

/**
 * The pod's validated network: `input` over `current` (updatePod keeps what it is not given);
 * a new pod's range without an end runs to the subnet's last usable address, as in CloudStack.
 */
export function podNetwork(input: PodNetworkInput, current?: PodNetwork): PodNetwork {
	const gatewayText = (input.gateway ?? current?.gateway ?? "").trim();
	const gateway = parseIpv4(gatewayText);
	if (gateway === null) throw invalid("The gateway is invalid");
	const netmaskText = (input.netmask ?? current?.netmask ?? "").trim();
	const bits = netmaskBits(netmaskText);
	if (bits === null) throw invalid("The netmask is invalid");
	const startText = (input.startip ?? current?.startIp ?? "").trim();
	if (startText === "") throw invalid("Please specify startip, the first address of the pod's management IP range");
	const start = parseIpv4(startText);
	if (start === null) throw invalid("The start address of the IP range is not a valid IP address.");
	const endGiven = input.endip?.trim() || current?.endIp;
	const end = endGiven ? parseIpv4(endGiven) : lastUsable(gateway, bits);
	if (end === null) throw invalid("The end address of the IP range is not a valid IP address.");
	if (!sameSubnet(start, gateway, bits)) throw invalid("The start address of the IP range is not in the CIDR subnet.");
	if (!sameSubnet(end, gateway, bits)) throw invalid("The end address of the IP range is not in the CIDR subnet.");
	if (start > end) throw invalid("The start IP address must have a lower value than the end IP address.");
	if (inRange(gateway, { start, end })) throw invalid("The gateway shouldn't overlap start/end ip addresses");
	return {
		gateway: formatIpv4(gateway),
		netmask: formatIpv4(bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0),
		startIp: formatIpv4(start),
		endIp: formatIpv4(end),
	};
}

/** 431 naming the other pod of the zone whose management range overlaps `network`'s. */
export async function assertNoRangeOverlap(
	db: Db,
	zone: { id: string; name: string },
	network: PodNetwork,
	exceptPodId?: string,
): Promise<void> {
	const others = await db
		.select({ name: pods.name, startIp: pods.startIp, endIp: pods.endIp })
		.from(pods)
		.where(and(eq(pods.zoneId, zone.id), exceptPodId ? ne(pods.id, exceptPodId) : undefined));
	const mine = { start: parseIpv4(network.startIp) ?? 0, end: parseIpv4(network.endIp) ?? 0 };
	for (const other of others) {
		const theirs = { start: parseIpv4(other.startIp) ?? 0, end: parseIpv4(other.endIp) ?? 0 };
		if (rangesOverlap(mine, theirs)) {
			throw invalid(
				`The IP range ${network.startIp}-${network.endIp} overlaps with the IP range ${other.startIp}-${other.endIp} of pod ${other.name} in zone ${zone.name}`,
			);
		}
	}
}

/** 431 when the zone already has a pod of this name (ignoring case). */
export async function assertPodNameFree(
	db: Db,
	zone: { id: string; name: string },
	name: string,
	exceptPodId?: string,
): Promise<void> {
	const filters: (SQL | undefined)[] = [eq(pods.zoneId, zone.id), eqNoCase(pods.name, name)];
	if (exceptPodId) filters.push(ne(pods.id, exceptPodId));
	const clash = await db
		.select({ id: pods.id })
		.from(pods)
		.where(and(...filters))
		.get();
	if (clash) {
		throw invalid(`A pod with name: ${name} already exists in zone ${zone.name}. Please specify a different pod name.`);
	}
}

export function podName(raw: string): string {
	const name = raw.trim();
	if (name === "") throw invalid("Please specify a valid pod name");
	return name;
}

export function networkOfPod(row: PodRow): PodNetwork {
	return { gateway: row.gateway, netmask: row.netmask, startIp: row.startIp, endIp: row.endIp };
}
