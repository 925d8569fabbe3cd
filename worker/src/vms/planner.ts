/**
 * @module Placement (CloudStack's deployment planner, FirstFit with the least-used host first):
 * an Up, Enabled host of an enabled pod and cluster whose free CPU and memory (overcommit
 * included) fit the instance, and an Up pool that host's cluster reaches (cluster-scoped or
 * zone-wide) with room for the instance's new volumes. Two indexed queries, whatever the zone's size.
 * The result is only a candidate: capacity is taken by reserveHost/reservePool's compare-and-set,
 * and a caller that loses that race tries the next candidate.
 */
import { and, eq, inArray, isNull, notInArray, or, type SQL, sql } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import type { Deps } from "../commands/types";
import { clusters, hosts, pods, storagePools } from "../db/schema";
import { hostFitsSql, hostLimitsSql, poolLimitSql, type VmSize } from "./capacity";

/** CSExceptionErrorCode of InsufficientServerCapacityException / InsufficientStorageCapacityException. */
const INSUFFICIENT_SERVER_CS = 4335;
const INSUFFICIENT_STORAGE_CS = 4340;

export interface PlacementRequest {
	zoneId: string;
	podId?: string | undefined;
	clusterId?: string | undefined;
	/** A host the caller asked for (deployVirtualMachine/startVirtualMachine `hostid`). */
	hostId?: string | undefined;
	/** Hosts never to pick (an HA restart skips the host that went down). */
	excludeHostIds?: readonly string[] | undefined;
	vm: VmSize;
	/** Bytes of the volumes still to be placed (0 when they all live on a pool already). */
	poolBytes: number;
	/** The pool the instance's volumes already live on: the host must reach it. */
	poolId?: string | undefined;
	/** Comma-separated host tags the host must all carry (the offering's). */
	hostTags?: string | null | undefined;
	/** Name for the error text (`i-…-VM`). */
	instanceName?: string | undefined;
}

export interface Placement {
	hostId: string;
	clusterId: string;
	podId: string;
	poolId: string;
}

/** How many hosts one planning round looks at (the least used first). */
const HOST_CANDIDATES = 25;

function insufficient(text: string, csCode: number): CsError {
	return new CsError(ERROR.insufficientCapacity, text, { csCode });
}

/** The placements that fit now, best first; [] when none does. */
export async function planCandidates(deps: Pick<Deps, "db">, request: PlacementRequest): Promise<Placement[]> {
	const { db } = deps;
	const fixedPool = request.poolId
		? await db.select().from(storagePools).where(eq(storagePools.id, request.poolId)).get()
		: undefined;
	if (request.poolId && fixedPool?.state !== "Up") return [];
	const limits = hostLimitsSql();
	const tags = (request.hostTags ?? "")
		.split(",")
		.map((t) => t.trim())
		.filter((t) => t !== "");
	const hostConditions: (SQL | undefined)[] = [
		eq(hosts.zoneId, request.zoneId),
		eq(hosts.state, "Up"),
		eq(hosts.resourceState, "Enabled"),
		eq(clusters.allocationState, "Enabled"),
		eq(pods.allocationState, "Enabled"),
		request.podId ? eq(hosts.podId, request.podId) : undefined,
		request.clusterId ? eq(hosts.clusterId, request.clusterId) : undefined,
		request.hostId ? eq(hosts.id, request.hostId) : undefined,
		fixedPool?.clusterId ? eq(hosts.clusterId, fixedPool.clusterId) : undefined,
		request.excludeHostIds?.length ? notInArray(hosts.id, [...request.excludeHostIds]) : undefined,
		hostFitsSql(request.vm),
		...tags.map((tag) => sql`(',' || replace(${hosts.hostTags}, ' ', '') || ',') like ${`%,${tag},%`}`),
	];
	const candidates = await db
		.select({ id: hosts.id, clusterId: hosts.clusterId, podId: hosts.podId })
		.from(hosts)
		.innerJoin(clusters, eq(clusters.id, hosts.clusterId))
		.innerJoin(pods, eq(pods.id, hosts.podId))
		.where(and(...hostConditions))
		.orderBy(sql`cast(${hosts.memoryAllocated} as real) / max(${limits.memory}, 1)`, hosts.created)
		.limit(HOST_CANDIDATES);
	if (candidates.length === 0) return [];
	let pools: { id: string; clusterId: string | null; free: number }[];
	if (fixedPool) {
		pools = [{ id: fixedPool.id, clusterId: fixedPool.clusterId, free: 0 }];
	} else {
		const clusterIds = [...new Set(candidates.map((c) => c.clusterId))];
		pools = await db
			.select({
				id: storagePools.id,
				clusterId: storagePools.clusterId,
				free: sql<number>`${poolLimitSql()} - ${storagePools.allocatedBytes}`,
			})
			.from(storagePools)
			.where(
				and(
					eq(storagePools.zoneId, request.zoneId),
					eq(storagePools.state, "Up"),
					or(
						inArray(storagePools.clusterId, clusterIds),
						and(eq(storagePools.scope, "ZONE"), isNull(storagePools.clusterId)),
					),
					sql`${storagePools.allocatedBytes} + ${request.poolBytes} <= ${poolLimitSql()}`,
				),
			)
			.orderBy(sql`${storagePools.allocatedBytes} - ${poolLimitSql()}`);
	}
	const placements: Placement[] = [];
	for (const host of candidates) {
		// A pool of the host's own cluster first, else a zone-wide one; the emptiest of them.
		const pool = pools.find((p) => p.clusterId === host.clusterId) ?? pools.find((p) => p.clusterId === null);
		if (pool) placements.push({ hostId: host.id, clusterId: host.clusterId, podId: host.podId, poolId: pool.id });
	}
	return placements;
}

/** The best placement, or 533 saying what is missing (hosts with room, or pool space). */
export async function planPlacement(deps: Pick<Deps, "db">, request: PlacementRequest): Promise<Placement> {
	const [best] = await planCandidates(deps, request);
	if (best) return best;
	throw await whyNoPlacement(deps, request);
}

/** The 533 for a request nothing fits: names the first thing that is short. */
export async function whyNoPlacement(deps: Pick<Deps, "db">, request: PlacementRequest): Promise<CsError> {
	const who = request.instanceName ? `VM ${request.instanceName}` : "the virtual machine";
	const withoutPools = await planCandidates(deps, { ...request, poolBytes: 0, poolId: undefined });
	if (withoutPools.length === 0) {
		const hostsAny = await deps.db
			.select({ id: hosts.id })
			.from(hosts)
			.innerJoin(clusters, eq(clusters.id, hosts.clusterId))
			.where(
				and(
					eq(hosts.zoneId, request.zoneId),
					eq(hosts.state, "Up"),
					eq(hosts.resourceState, "Enabled"),
					eq(clusters.allocationState, "Enabled"),
				),
			)
			.limit(1);
		const what =
			hostsAny.length === 0
				? "no host in the zone is Up and Enabled"
				: `no Up, Enabled host has ${request.vm.cpuNumber}×${request.vm.cpuSpeed} MHz CPU and ${request.vm.memory} MB memory free`;
		return insufficient(`Unable to create a deployment for ${who}: ${what}`, INSUFFICIENT_SERVER_CS);
	}
	return insufficient(
		`Unable to create a deployment for ${who}: no Up storage pool the hosts reach has ${request.poolBytes} bytes free`,
		INSUFFICIENT_STORAGE_CS,
	);
}
