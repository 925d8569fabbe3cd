/**
 * @module Guest IP bookkeeping: one `guest_ips` row per address of a guest IP range. Allocation is
 * one compare-and-set UPDATE of the lowest free row (D1 runs each statement atomically and
 * serialises writes), so no address is handed out twice, even to concurrent requests; releasing
 * clears the owner and makes the address the next candidate again.
 */
import { and, count, eq, isNull, type SQL, sql } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { formatIpv4, parseIpv4 } from "../../domain/ipv4";
import { isUuid } from "../../lib/ids";
import type { Db } from "../client";
import { guestIps } from "../schema";

/** CSExceptionErrorCode of CloudStack's InsufficientCapacityException family. */
const INSUFFICIENT_CAPACITY_CS = 4325;

export interface AllocateRequest {
	networkId: string;
	/** Only addresses of this pod's ranges (a basic zone places an instance in a pod). */
	podId?: string | undefined;
	/** A specific address (deployVirtualMachine `ipaddress`); otherwise the lowest free one. */
	requested?: string | undefined;
	/** What holds the address: a NIC or instance id. */
	owner: string;
	/** Epoch ms recorded as the allocation time; defaults to now. */
	now?: number | undefined;
}

function insufficient(text: string): CsError {
	return new CsError(ERROR.insufficientCapacity, text, { csCode: INSUFFICIENT_CAPACITY_CS });
}

/** How many times a lost compare-and-set is retried before giving up (it only loses to a racing writer). */
const ATTEMPTS = 5;

/**
 * Hands out one guest address of `networkId` to `owner` and returns it: the requested one if it is
 * free (431 when it is not an address of the network's ranges, 533 when it is taken), otherwise
 * the lowest free one (533 when none is left).
 */
export async function allocateGuestIp(db: Db, request: AllocateRequest): Promise<string> {
	const now = request.now ?? Date.now();
	const scope = and(
		eq(guestIps.networkId, request.networkId),
		request.podId === undefined ? undefined : eq(guestIps.podId, request.podId),
	);
	if (request.requested !== undefined) return allocateRequested(db, request, scope, now);
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		// The subquery picks the lowest free row; `allocated_to IS NULL` again in the outer WHERE
		// makes the UPDATE a compare-and-set, so a row can only ever be taken once.
		const [row] = await db
			.update(guestIps)
			.set({ allocatedTo: request.owner, allocated: now })
			.where(
				and(
					sql`${guestIps.id} = (${db
						.select({ id: guestIps.id })
						.from(guestIps)
						.where(and(scope, isNull(guestIps.allocatedTo)))
						.orderBy(guestIps.addressNum)
						.limit(1)})`,
					isNull(guestIps.allocatedTo),
				),
			)
			.returning({ address: guestIps.address });
		if (row) return row.address;
		const [free] = await db
			.select({ n: count() })
			.from(guestIps)
			.where(and(scope, isNull(guestIps.allocatedTo)));
		if ((free?.n ?? 0) === 0) break;
	}
	const where = request.podId === undefined ? `network ${request.networkId}` : `pod ${request.podId}`;
	throw insufficient(`Insufficient address capacity: no free guest IP address is left in ${where}`);
}

async function allocateRequested(db: Db, request: AllocateRequest, scope: SQL | undefined, now: number) {
	const requested = request.requested ?? "";
	const value = parseIpv4(requested);
	if (value === null) {
		throw new CsError(ERROR.paramError, `Invalid IP address ${requested}: not an IPv4 address`);
	}
	const address = formatIpv4(value);
	const [row] = await db
		.update(guestIps)
		.set({ allocatedTo: request.owner, allocated: now })
		.where(and(scope, eq(guestIps.addressNum, value), isNull(guestIps.allocatedTo)))
		.returning({ address: guestIps.address });
	if (row) return row.address;
	const [existing] = await db
		.select({ allocatedTo: guestIps.allocatedTo })
		.from(guestIps)
		.where(and(scope, eq(guestIps.addressNum, value)))
		.limit(1);
	if (!existing) {
		const where = request.podId === undefined ? `network ${request.networkId}` : `pod ${request.podId}`;
		throw new CsError(ERROR.paramError, `IP address ${address} is not in a guest IP range of ${where}`);
	}
	throw insufficient(`Insufficient address capacity: the requested IP address ${address} is already in use`);
}

/**
 * Makes an allocated address free again; true when it was allocated (and, with `owner`, held by
 * that owner), false when there was nothing to release.
 */
export async function releaseGuestIp(db: Db, networkId: string, address: string, owner?: string): Promise<boolean> {
	const value = parseIpv4(address);
	if (value === null) return false;
	const rows = await db
		.update(guestIps)
		.set({ allocatedTo: null, allocated: null })
		.where(
			and(
				eq(guestIps.networkId, networkId),
				eq(guestIps.addressNum, value),
				owner === undefined ? sql`${guestIps.allocatedTo} IS NOT NULL` : eq(guestIps.allocatedTo, owner),
			),
		)
		.returning({ id: guestIps.id });
	return rows.length > 0;
}

export interface GuestIpScope {
	zoneId?: string | undefined;
	podId?: string | undefined;
	networkId?: string | undefined;
}

/** Guest addresses in the scope and how many of them are allocated (listCapacity's guest IP rows). */
export async function guestIpCounts(db: Db, scope: GuestIpScope): Promise<{ total: number; allocated: number }> {
	const [row] = await db
		.select({ total: count(), allocated: count(guestIps.allocatedTo) })
		.from(guestIps)
		.where(
			and(
				scope.zoneId === undefined ? undefined : eq(guestIps.zoneId, scope.zoneId),
				scope.podId === undefined ? undefined : eq(guestIps.podId, scope.podId),
				scope.networkId === undefined ? undefined : eq(guestIps.networkId, scope.networkId),
			),
		);
	return { total: row?.total ?? 0, allocated: row?.allocated ?? 0 };
}

export interface RangeAddresses {
	rangeId: string;
	networkId: string;
	zoneId: string;
	podId: string | null;
	start: number;
	end: number;
}

/**
 * Statements for `db.batch` that must be raw SQL (a recursive CTE, a guard): drizzle's D1 batch
 * cannot bind parameters of raw statements, so their values are inlined as literals here, and
 * only values that cannot carry SQL are accepted (ids must be UUIDs, numbers safe integers).
 */
export function literal(value: string | number | null): string {
	if (value === null) return "NULL";
	if (typeof value === "number") {
		if (!Number.isSafeInteger(value)) throw new Error(`not an integer literal: ${value}`);
		return String(value);
	}
	if (!isUuid(value)) throw new Error(`not a UUID literal: ${value}`);
	return `'${value.toLowerCase()}'`;
}

const RANDOM_UUID =
	"lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))";

/**
 * One INSERT that writes a row per address of a range, generated inside SQLite by a recursive
 * CTE: a 65,536-address range is one statement instead of thousands of batched inserts (D1
 * allows 100 bound parameters per statement). Ids are random v4 UUIDs made by SQLite itself.
 */
export function insertRangeAddresses(db: Db, range: RangeAddresses) {
	return db.run(
		sql.raw(`WITH RECURSIVE seq(n) AS (SELECT ${literal(range.start)} UNION ALL SELECT n + 1 FROM seq WHERE n < ${literal(range.end)})
		INSERT INTO guest_ips (id, range_id, network_id, zone_id, pod_id, address, address_num, allocated_to, allocated)
		SELECT ${RANDOM_UUID}, ${literal(range.rangeId)}, ${literal(range.networkId)}, ${literal(range.zoneId)}, ${literal(range.podId)},
			((n >> 24) & 255) || '.' || ((n >> 16) & 255) || '.' || ((n >> 8) & 255) || '.' || (n & 255), n, NULL, NULL
		FROM seq`),
	);
}

/**
 * A statement that aborts the whole batch it is in when `condition` (raw SQL built with
 * `literal`) holds: it inserts a row with a NULL primary key, which SQLite refuses, and D1 rolls
 * the batch back. This turns a check made before the batch into a compare-and-set inside it (e.g.
 * "no address of the range got allocated meanwhile"); callers catch the failure and re-check.
 */
export function abortBatchIf(db: Db, condition: string) {
	return db.run(
		sql.raw(`INSERT INTO guest_ips (id, range_id, network_id, zone_id, address, address_num)
		SELECT NULL, '', '', '', '', 0 WHERE ${condition}`),
	);
}

/** Guard condition: some address of the zone lies in [start, end] (an overlapping range exists). */
export function zoneAddressesIn(zoneId: string, start: number, end: number): string {
	return `EXISTS (SELECT 1 FROM guest_ips WHERE zone_id = ${literal(zoneId)} AND address_num BETWEEN ${literal(start)} AND ${literal(end)})`;
}

/** Guard condition: the network has a guest IP range. */
export function networkHasRange(networkId: string): string {
	return `EXISTS (SELECT 1 FROM vlan_ip_ranges WHERE network_id = ${literal(networkId)})`;
}

/** Guard condition: some address of the range is allocated. */
export function rangeHasAllocated(rangeId: string): string {
	return `EXISTS (SELECT 1 FROM guest_ips WHERE range_id = ${literal(rangeId)} AND allocated_to IS NOT NULL)`;
}

/** Rows of a range's addresses that are allocated, lowest first (for a refused delete). */
export async function allocatedInRange(db: Db, rangeId: string, limit = 5) {
	const where = and(eq(guestIps.rangeId, rangeId), sql`${guestIps.allocatedTo} IS NOT NULL`);
	const [rows, [total]] = await Promise.all([
		db
			.select({ address: guestIps.address, allocatedTo: guestIps.allocatedTo })
			.from(guestIps)
			.where(where)
			.orderBy(guestIps.addressNum)
			.limit(limit),
		db.select({ n: count() }).from(guestIps).where(where),
	]);
	return { rows, count: total?.n ?? 0 };
}
