/**
 * @module findHostsForMigration's view of a cluster: the hosts a Running VM's live migration could
 * go to (its cluster's other hosts: the primary storage is shared per cluster, so nothing but memory
 * moves), each marked with whether it has room under the overcommitted limits (capacity.ts) and
 * whether migrateVirtualMachine would take it (migrate-flow.ts's unsuitableTarget).
 */
import { and, eq, ne, type SQL } from "drizzle-orm";
import type { HostPageRow } from "../commands/host/host-view";
import type { Db } from "../db/client";
import { inIds } from "../db/in-ids";
import { hosts } from "../db/schema";
import { hostFitsSql } from "./capacity";
import { type HostRow, unsuitableTarget } from "./migrate-flow";
import type { VmRow } from "./vm-rows";

/** The WHERE of the hosts offered: the source's cluster, not the source itself. */
export function migrationHostsWhere(source: HostRow, extra?: SQL): SQL | undefined {
	return and(eq(hosts.clusterId, source.clusterId), ne(hosts.id, source.id), extra);
}

export interface MigrationVerdict {
	/** Room for the VM's CPU and memory now. */
	hasEnoughCapacity: boolean;
	/** migrateVirtualMachine would accept this host: its state rules and the capacity. */
	suitable: boolean;
}

/** The verdict for each host of a page, by host id (one query for the capacity of all of them). */
export async function migrationVerdicts(
	db: Db,
	vm: VmRow,
	source: HostRow,
	page: readonly HostPageRow[],
): Promise<Map<string, MigrationVerdict>> {
	const verdicts = new Map<string, MigrationVerdict>();
	if (page.length === 0) return verdicts;
	const fits = await db
		.select({ id: hosts.id, fits: hostFitsSql(vm) })
		.from(hosts)
		.where(
			inIds(
				hosts.id,
				page.map((r) => r.host.id),
			),
		);
	const fitting = new Set(fits.filter((f) => Number(f.fits) === 1).map((f) => f.id));
	for (const { host } of page) {
		const hasEnoughCapacity = fitting.has(host.id);
		verdicts.set(host.id, {
			hasEnoughCapacity,
			suitable: hasEnoughCapacity && unsuitableTarget(vm, source, host) === null,
		});
	}
	return verdicts;
}
