import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { CLUSTER_FIELDS } from "../../api/serializers/cluster";
import { eventInsert } from "../../db/events";
import { allocationState, requireCluster } from "../../db/repos/inventory";
import { clusters } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { clusterName, cpuArch, kvmClusterType, kvmHypervisor, managedState } from "./cluster-rules";
import { clusterNameTaken, clusterResponse } from "./cluster-view";

export const updateCluster = defineCommand({
	name: "updateCluster",
	description: "Updates an existing cluster",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the Cluster", { required: true, related: "listClusters" }),
		clustername: p.string("the cluster name"),
		allocationstate: p.string("Allocation state of this cluster for allocation of new resources"),
		managedstate: p.string("whether this cluster is managed by cloudstack: Managed or Unmanaged"),
		arch: p.string("the CPU arch of the cluster: x86_64 or aarch64", { since: "4.20" }),
		hypervisor: p.string("hypervisor type of the cluster; it cannot be changed (KVM)"),
		clustertype: p.string("type of the cluster; it cannot be changed (CloudManaged)"),
	},
	responseFields: CLUSTER_FIELDS,
	related: ["listClusters", "addCluster"],
	async handle({ params, deps, caller }) {
		const cluster = await requireCluster(deps.db, params.id, undefined, "id");
		// The same value is accepted (clients resend the whole form); a change is refused.
		if (params.hypervisor !== undefined && params.hypervisor.trim() !== "") {
			if (kvmHypervisor(params.hypervisor) !== cluster.hypervisor) {
				throw new CsError(ERROR.paramError, `The hypervisor of cluster ${cluster.name} cannot be changed`);
			}
		}
		if (params.clustertype !== undefined && params.clustertype.trim() !== "") {
			if (kvmClusterType(params.clustertype) !== cluster.clusterType) {
				throw new CsError(ERROR.paramError, `The cluster type of cluster ${cluster.name} cannot be changed`);
			}
		}
		const name =
			params.clustername === undefined || params.clustername.trim() === ""
				? cluster.name
				: clusterName(params.clustername);
		if (name !== cluster.name && (await clusterNameTaken(deps.db, cluster.podId, name, cluster.id))) {
			throw new CsError(ERROR.paramError, `A cluster named ${name} already exists in the pod of cluster ${cluster.id}`);
		}
		const changes = {
			name,
			allocationState: allocationState(params.allocationstate, cluster.allocationState as "Enabled" | "Disabled"),
			managedState: params.managedstate === undefined ? cluster.managedState : managedState(params.managedstate),
			arch: cpuArch(params.arch, cluster.arch),
		};
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.update(clusters).set(changes).where(eq(clusters.id, cluster.id)),
			eventInsert(deps.db, now, caller, {
				type: "CLUSTER.EDIT",
				description: `Cluster ${name} updated`,
				resourceType: "Cluster",
				resourceId: cluster.id,
				resourceName: name,
			}),
		]);
		return { type: "object", name: "cluster", value: await clusterResponse(deps.db, cluster.id) };
	},
});
