/**
 * @module prepareHostForMaintenance of a host with instances, as a job: every Running instance is
 * live-migrated to another host of its cluster (one `vm.migrate` job per instance, so each still
 * runs in its own VM's order), and the host reaches Maintenance once nothing is placed on it any
 * more. If an instance cannot move (no host has room, a migration fails) or the job runs out of
 * time, the host ends in ErrorInMaintenance, as CloudStack leaves it; cancelHostMaintenance
 * brings it back.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { CsError, ERROR } from "../api/errors";
import { hostResponse } from "../commands/host/host-view";
import type { Db } from "../db/client";
import { asyncJobs, hosts, vmInstances } from "../db/schema";
import { startJob } from "../jobs/start";
import type { JobKind } from "../jobs/types";
import { vmOwner } from "./lifecycle-steps";
import { hostRow, migrationCandidates } from "./migrate-flow";

export const HOST_MAINTENANCE_KIND = "host.maintenance";
const MIGRATE_CMD = "org.apache.cloudstack.api.command.admin.vm.MigrateVMCmd";
/** States in which an instance still occupies its host. */
const PLACED = ["Running", "Starting", "Stopping", "Migrating"];
const POLL_MS = 1000;

export interface HostMaintenancePayload {
	hostId: string;
}

/** Instances that still occupy the host (what keeps it from Maintenance). */
export async function instancesOnHost(db: Db, hostId: string) {
	return db
		.select()
		.from(vmInstances)
		.where(and(eq(vmInstances.hostId, hostId), inArray(vmInstances.state, PLACED), isNull(vmInstances.removed)));
}

async function moveTo(db: Db, hostId: string, to: string): Promise<boolean> {
	const moved = await db
		.update(hosts)
		.set({ resourceState: to })
		.where(and(eq(hosts.id, hostId), eq(hosts.resourceState, "PrepareForMaintenance")))
		.returning({ id: hosts.id });
	return moved.length > 0;
}

export const hostMaintenanceJob: JobKind<HostMaintenancePayload> = {
	async run(ctx, { hostId }) {
		const { db } = ctx.deps;
		const host = await hostRow(db, hostId);
		if (host?.resourceState !== "PrepareForMaintenance") {
			throw new CsError(ERROR.paramError, `Host ${host?.name ?? hostId} is no longer preparing for maintenance`);
		}
		const migrations: string[] = [];
		for (const vm of await instancesOnHost(db, hostId)) {
			if (vm.state !== "Running") continue;
			const [target] = await migrationCandidates(db, vm, host);
			if (!target) {
				throw new CsError(
					ERROR.insufficientCapacity,
					`No other host of the cluster can take ${vm.displayName}; host ${host.name} stays out of maintenance`,
				);
			}
			migrations.push(
				await startJob(ctx.deps, vmOwner(vm), {
					kind: "vm.migrate",
					zoneId: vm.zoneId,
					resource: `vm:${vm.id}`,
					cmd: MIGRATE_CMD,
					instanceType: "VirtualMachine",
					instanceId: vm.id,
					payload: { vmId: vm.id, targetHostId: target.id },
				}),
			);
		}
		// Wait for the migrations (each bounded by its own deadline), then for anything in transition.
		for (;;) {
			const pending = migrations.length
				? await db
						.select({ id: asyncJobs.id })
						.from(asyncJobs)
						.where(and(inArray(asyncJobs.id, migrations), eq(asyncJobs.status, 0)))
				: [];
			const left = await instancesOnHost(db, hostId);
			if (left.length === 0) break;
			if (pending.length === 0 && left.every((vm) => vm.state === "Running")) {
				throw new CsError(
					ERROR.resourceUnavailable,
					`Instances ${left.map((vm) => vm.displayName).join(", ")} could not be moved off host ${host.name}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, POLL_MS));
		}
		if (!(await moveTo(db, hostId, "Maintenance"))) {
			throw new CsError(ERROR.paramError, `The resource state of host ${host.name} changed meanwhile`);
		}
		return { type: "object", name: "host", value: await hostResponse(db, hostId) };
	},
	async rollback(ctx, { hostId }) {
		await moveTo(ctx.deps.db, hostId, "ErrorInMaintenance");
	},
};
