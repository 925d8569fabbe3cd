/**
 * @module The rules of a guest IP range, shared by createVlanIpRange and createNetwork (which
 * may create a network's first range): valid addresses in one subnet, the gateway outside the
 * range, no overlap with the zone's other guest ranges or its pods' management ranges, one
 * gateway/netmask/VLAN per network. `planRange` validates everything first; `rangeWrites` are the
 * statements to batch with the caller's other writes and event.
 */
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { CsError, ERROR } from "../../api/errors";
import { cidrOf, type VlanIpRangeRow } from "../../api/serializers/vlan-ip-range";
import type { Db } from "../../db/client";
import { abortBatchIf, insertRangeAddresses, networkHasRange, zoneAddressesIn } from "../../db/repos/guest-ips";
import type { PodRow, ZoneRow } from "../../db/repos/inventory";
import type { NetworkRow } from "../../db/repos/networks";
import { networks, pods, vlanIpRanges } from "../../db/schema";
import { formatIpv4, netmaskBits, networkOf, parseIpv4, rangesOverlap } from "../../domain/ipv4";
import { newUuid } from "../../lib/ids";

/** The largest range accepted: a /16 worth of addresses, written as one row each. */
export const MAX_RANGE_ADDRESSES = 65_536;

function paramError(text: string): CsError {
	return new CsError(ERROR.paramError, text);
}

/** "untagged" or "vlan://<1-4094>" (CloudStack's stored form); accepts "100" and "vlan://100". */
export function normaliseVlan(raw: string | undefined): string | undefined {
	if (raw === undefined) return undefined;
	const value = raw
		.trim()
		.toLowerCase()
		.replace(/^vlan:\/\//, "");
	if (value === "untagged") return "untagged";
	if (/^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= 4094) return `vlan://${Number(value)}`;
	throw paramError(`Invalid vlan ${raw}: a VLAN is "untagged" or an ID from 1 to 4094`);
}

function address(raw: string, param: string): number {
	const value = parseIpv4(raw);
	if (value === null) throw paramError(`Invalid ${param} ${raw}: not an IPv4 address`);
	return value;
}

export interface SubnetInput {
	gateway: string;
	netmask: string;
}

/** A gateway and netmask, validated: the netmask contiguous, the gateway a host of the subnet. */
export function parseSubnet(input: SubnetInput): {
	gateway: number;
	bits: number;
	cidr: string;
	gatewayText: string;
	netmaskText: string;
} {
	const gateway = address(input.gateway, "gateway");
	const bits = netmaskBits(input.netmask);
	if (bits === null || bits === 0) throw paramError(`Invalid netmask ${input.netmask}: not a contiguous IPv4 netmask`);
	if (bits < 31) {
		const base = networkOf(gateway, bits);
		const broadcast = base + 2 ** (32 - bits) - 1;
		if (gateway === base || gateway === broadcast) {
			throw paramError(`The gateway ${input.gateway} is the network or broadcast address of its subnet`);
		}
	}
	return {
		gateway,
		bits,
		cidr: cidrOf(input.gateway, input.netmask) ?? "",
		gatewayText: formatIpv4(gateway),
		netmaskText: formatIpv4(2 ** 32 - 2 ** (32 - bits)),
	};
}

export interface RangeRequest {
	id?: string;
	zone: ZoneRow;
	pod: PodRow | null;
	/** The network the range belongs to (for createNetwork, the row about to be inserted). */
	network: NetworkRow;
	gateway?: string | undefined;
	netmask?: string | undefined;
	startip: string;
	endip?: string | undefined;
	vlan?: string | undefined;
	domainId: string | null;
	accountId: string | null;
	now: number;
}

export interface PlannedRange {
	row: VlanIpRangeRow;
	start: number;
	end: number;
	/** Set when this range gives the network its gateway/netmask/cidr/VLAN (its first range). */
	networkUpdate: Partial<Pick<NetworkRow, "gateway" | "netmask" | "cidr" | "vlan">> | null;
}

/** Validates a new range against the zone's ranges and pods; throws 431 naming any conflict. */
export async function planRange(db: Db, request: RangeRequest): Promise<PlannedRange> {
	const { network } = request;
	const gatewayText = request.gateway ?? network.gateway ?? undefined;
	const netmaskText = request.netmask ?? network.netmask ?? undefined;
	if (!gatewayText || !netmaskText) {
		throw paramError(
			`gateway and netmask are required: network ${network.name} has no subnet yet, and its first range sets it`,
		);
	}
	const subnet = parseSubnet({ gateway: gatewayText, netmask: netmaskText });
	const gateway = subnet.gatewayText;
	const netmask = subnet.netmaskText;
	if (network.gateway && network.netmask && (network.gateway !== gateway || network.netmask !== netmask)) {
		throw paramError(
			`Network ${network.name} uses gateway ${network.gateway} and netmask ${network.netmask}; all of its IP ranges must use them`,
		);
	}
	const start = address(request.startip, "startip");
	const end = request.endip === undefined ? start : address(request.endip, "endip");
	const startIp = formatIpv4(start);
	const endIp = formatIpv4(end);
	if (start > end) throw paramError(`The startip ${startIp} is greater than the endip ${endIp}`);
	if (end - start + 1 > MAX_RANGE_ADDRESSES) {
		throw paramError(
			`The range ${startIp}-${endIp} has ${end - start + 1} addresses; a guest IP range may have at most ${MAX_RANGE_ADDRESSES}`,
		);
	}
	const base = networkOf(subnet.gateway, subnet.bits);
	for (const [ip, text] of [
		[start, startIp],
		[end, endIp],
	] as const) {
		if (networkOf(ip, subnet.bits) !== base) {
			throw paramError(`The IP ${text} is not in the subnet ${subnet.cidr} of the gateway ${gateway}`);
		}
	}
	if (subnet.bits < 31 && (start === base || end === base + 2 ** (32 - subnet.bits) - 1)) {
		throw paramError(`The range ${startIp}-${endIp} includes the network or broadcast address of ${subnet.cidr}`);
	}
	if (subnet.gateway >= start && subnet.gateway <= end) {
		throw paramError(`The gateway ${gateway} is inside the range ${startIp}-${endIp}; it cannot be a guest address`);
	}
	const vlan = normaliseVlan(request.vlan) ?? network.vlan ?? "untagged";
	if (network.vlan && network.vlan !== vlan) {
		throw paramError(`Network ${network.name} is on VLAN ${network.vlan}; its IP ranges cannot use VLAN ${vlan}`);
	}
	await checkOverlaps(db, request.zone, { start, end }, `${startIp}-${endIp}`);
	const row: VlanIpRangeRow = {
		id: request.id ?? newUuid(),
		zoneId: request.zone.id,
		podId: request.pod?.id ?? null,
		networkId: network.id,
		vlan,
		gateway,
		netmask,
		startIp,
		endIp,
		forVirtualNetwork: false,
		domainId: request.domainId,
		accountId: request.accountId,
		created: request.now,
	};
	const networkUpdate =
		network.gateway && network.netmask && network.vlan
			? null
			: { gateway, netmask, cidr: subnet.cidr, vlan: network.vlan ?? vlan };
	return { row, start, end, networkUpdate };
}

async function checkOverlaps(db: Db, zone: ZoneRow, range: { start: number; end: number }, text: string) {
	const [ranges, zonePods] = await Promise.all([
		db
			.select({
				id: vlanIpRanges.id,
				startIp: vlanIpRanges.startIp,
				endIp: vlanIpRanges.endIp,
				networkId: vlanIpRanges.networkId,
				networkName: networks.name,
			})
			.from(vlanIpRanges)
			.leftJoin(networks, eq(networks.id, vlanIpRanges.networkId))
			.where(eq(vlanIpRanges.zoneId, zone.id)),
		db.select({ name: pods.name, startIp: pods.startIp, endIp: pods.endIp }).from(pods).where(eq(pods.zoneId, zone.id)),
	]);
	for (const other of ranges) {
		const span = { start: parseIpv4(other.startIp) ?? 0, end: parseIpv4(other.endIp) ?? 0 };
		if (rangesOverlap(range, span)) {
			throw paramError(
				`The IP range ${text} overlaps the guest IP range ${other.startIp}-${other.endIp} (id ${other.id}) of network ${other.networkName ?? other.networkId} in zone ${zone.name}`,
			);
		}
	}
	for (const pod of zonePods) {
		const span = { start: parseIpv4(pod.startIp) ?? 0, end: parseIpv4(pod.endIp) ?? 0 };
		if (rangesOverlap(range, span)) {
			throw paramError(
				`The IP range ${text} overlaps the management IP range ${pod.startIp}-${pod.endIp} of pod ${pod.name} in zone ${zone.name}`,
			);
		}
	}
}

/**
 * The statements that write a planned range: a guard that aborts the batch if another request
 * added an overlapping range of the zone meanwhile, the range, one row per address, and the
 * network's subnet when this is its first range.
 */
export function rangeWrites(db: Db, plan: PlannedRange): BatchItem<"sqlite">[] {
	const { row } = plan;
	const writes: BatchItem<"sqlite">[] = [
		abortBatchIf(db, zoneAddressesIn(row.zoneId, plan.start, plan.end)),
		// This range was planned as the one giving the network its subnet: another must not have meanwhile.
		...(plan.networkUpdate ? [abortBatchIf(db, networkHasRange(row.networkId))] : []),
		db.insert(vlanIpRanges).values(row),
		insertRangeAddresses(db, {
			rangeId: row.id,
			networkId: row.networkId,
			zoneId: row.zoneId,
			podId: row.podId,
			start: plan.start,
			end: plan.end,
		}),
	];
	if (plan.networkUpdate) {
		writes.push(db.update(networks).set(plan.networkUpdate).where(eq(networks.id, row.networkId)));
	}
	return writes;
}
