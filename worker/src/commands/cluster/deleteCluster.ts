import { eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { describeBlockers, requireCluster, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { clusters, hosts, storagePools } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deleteCluster = defineCommand({
	name: "deleteCluster",
	description: "Deletes a cluster.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the cluster ID", { required: true, related: "listClusters" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	async handle({ params, deps, caller }) {
		const cluster = await requireCluster(deps.db, params.id, undefined, "id");
		const [hostRows, poolRows] = await Promise.all([
			deps.db.select({ name: hosts.name }).from(hosts).where(eq(hosts.clusterId, cluster.id)).limit(6),
			deps.db
				.select({ name: storagePools.name })
				.from(storagePools)
				.where(eq(storagePools.clusterId, cluster.id))
				.limit(6),
		]);
		if (hostRows.length > 0 || poolRows.length > 0) {
			const [hostCount, poolCount] = await Promise.all([
				deps.db.$count(hosts, eq(hosts.clusterId, cluster.id)),
				deps.db.$count(storagePools, eq(storagePools.clusterId, cluster.id)),
			]);
			const blockers = [
				hostRows.length > 0 ? describeCounted("host", hostRows, hostCount) : undefined,
				poolRows.length > 0 ? describeCounted("primary storage pool", poolRows, poolCount) : undefined,
			].filter((b) => b !== undefined);
			throw resourceInUse(
				`Cluster ${cluster.name} cannot be deleted: it still has ${blockers.join(" and ")}; remove them first`,
			);
		}
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.delete(clusters).where(eq(clusters.id, cluster.id)),
			deleteTagsOf(deps.db, "Cluster", cluster.id),
			eventInsert(deps.db, now, caller, {
				type: "CLUSTER.DELETE",
				description: `Cluster ${cluster.name} deleted`,
				resourceType: "Cluster",
				resourceId: cluster.id,
				resourceName: cluster.name,
			}),
		]);
		return { type: "success" };
	},
});

/** describeBlockers with the real total when more rows exist than were read for the names. */
function describeCounted(noun: string, rows: { name: string }[], total: number): string {
	const names = rows.map((r) => r.name);
	while (names.length < total) names.push("");
	return describeBlockers(noun, names);
}
