import { CsError, ERROR } from "../../api/errors";
import { CLUSTER_FIELDS } from "../../api/serializers/cluster";
import { eventInsert } from "../../db/events";
import { allocationState, requirePod, requireZone } from "../../db/repos/inventory";
import { clusters } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { clusterName, cpuArch, kvmClusterType, kvmHypervisor } from "./cluster-rules";
import { clusterNameTaken, clusterResponse } from "./cluster-view";

export const addCluster = defineCommand({
	name: "addCluster",
	description: "Adds a new cluster",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		clustername: p.string("the cluster name", { required: true }),
		zoneid: p.uuid("the Zone ID for the cluster", { required: true, related: "listZones" }),
		podid: p.uuid("the Pod ID for the host", { required: true, related: "listPods" }),
		hypervisor: p.string("hypervisor type of the cluster: KVM (the only one flarestack manages)", {
			required: true,
		}),
		clustertype: p.string("type of the cluster: CloudManaged (ExternalManaged is VMware's)", { required: true }),
		allocationstate: p.string("Allocation state of this cluster for allocation of new resources (default Enabled)"),
		arch: p.string("the CPU arch of the cluster: x86_64 (default) or aarch64", { since: "4.20" }),
		url: p.string("the URL (VMware only; ignored for KVM)"),
		username: p.string("the username for the cluster (VMware only; ignored for KVM)"),
		password: p.string("the password for the host (VMware only; ignored for KVM)"),
	},
	responseFields: CLUSTER_FIELDS,
	related: ["listClusters", "updateCluster"],
	async handle({ params, deps, caller }) {
		// Validate everything first: nothing is written on an error.
		const zone = await requireZone(deps.db, params.zoneid);
		const pod = await requirePod(deps.db, params.podid, zone.id);
		const hypervisor = kvmHypervisor(params.hypervisor);
		const clusterType = kvmClusterType(params.clustertype);
		const allocation = allocationState(params.allocationstate, "Enabled");
		const arch = cpuArch(params.arch);
		const name = clusterName(params.clustername);
		if (await clusterNameTaken(deps.db, pod.id, name)) {
			throw new CsError(ERROR.paramError, `A cluster named ${name} already exists in pod ${pod.name}`);
		}
		const now = deps.clock.now();
		const id = newUuid();
		await deps.db.batch([
			deps.db.insert(clusters).values({
				id,
				zoneId: zone.id,
				podId: pod.id,
				name,
				hypervisor,
				clusterType,
				allocationState: allocation,
				managedState: "Managed",
				arch,
				created: now,
			}),
			eventInsert(deps.db, now, caller, {
				type: "CLUSTER.CREATE",
				description: `Cluster ${name} added to pod ${pod.name} in zone ${zone.name}`,
				resourceType: "Cluster",
				resourceId: id,
				resourceName: name,
			}),
		]);
		// CloudStack answers addCluster with a list of the one new cluster.
		return { type: "list", name: "cluster", items: [await clusterResponse(deps.db, id)], count: 1 };
	},
});
