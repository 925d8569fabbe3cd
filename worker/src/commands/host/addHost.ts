import { and, eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { HOST_FIELDS } from "../../api/serializers/host";
import type { Db } from "../../db/client";
import { eventInsert } from "../../db/events";
import { allocationState, type ClusterRow, requireCluster, requirePod, requireZone } from "../../db/repos/inventory";
import { clusters, hosts } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { newUuid } from "../../lib/ids";
import { kvmHypervisor } from "../cluster/cluster-rules";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { connectHost, hostFacts, releaseHost } from "./host-link";
import { hostAddress, hostName, hostTagString } from "./host-rules";
import { hostResponse, hostWithUrl } from "./host-view";

export const addHost = defineCommand({
	name: "addHost",
	description: "Adds a new host: the zone's relay agent reaches its libvirtd before it is recorded",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		zoneid: p.uuid("the Zone ID for the host", { required: true, related: "listZones" }),
		podid: p.uuid("the Pod ID for the host", { required: true, related: "listPods" }),
		url: p.string("the host URL: http://<host>, <host>, or a libvirt URI (qemu+ssh://…, qemu+tcp://…)", {
			required: true,
		}),
		hypervisor: p.string("hypervisor type of the host: KVM", { required: true }),
		clusterid: p.uuid("the cluster ID for the host", { related: "listClusters" }),
		clustername: p.string("the cluster name for the host (a cluster of the pod)"),
		username: p.string("the SSH user the relay reaches libvirtd as (default root)"),
		password: p.string("the password for the host (accepted for compatibility; the relay uses its SSH key)"),
		hosttags: p.list("list of tags to be added to the host"),
		allocationstate: p.string("Allocation state of this Host for allocation of new resources (default Enabled)"),
	},
	responseFields: HOST_FIELDS,
	related: ["listHosts", "updateHost"],
	async handle({ params, deps, caller }) {
		// Validate everything first: nothing is sent or written on an error. The password is not
		// read at all: the agent reaches libvirtd with its own credentials.
		const zone = await requireZone(deps.db, params.zoneid);
		const pod = await requirePod(deps.db, params.podid, zone.id);
		kvmHypervisor(params.hypervisor);
		const cluster = await hostCluster(deps.db, pod.id, params.clusterid, params.clustername);
		if (cluster.hypervisor !== "KVM") {
			throw new CsError(ERROR.paramError, `Cluster ${cluster.name} is not a KVM cluster`);
		}
		const address = hostAddress(params.url, params.username);
		const resourceState = allocationState(params.allocationstate, "Enabled");
		const hostTags = hostTagString(params.hosttags);
		await refuseDuplicate(deps.db, zone, address.uri);

		const id = newUuid();
		const connected = await connectHost(deps, zone, id, address.uri);
		if (!connected.ok) throw connected.error;
		const name = hostName(connected.host.name, address);
		const now = deps.clock.now();
		try {
			await deps.db.batch([
				deps.db.insert(hosts).values({
					id,
					name,
					zoneId: zone.id,
					podId: pod.id,
					clusterId: cluster.id,
					state: "Up",
					resourceState,
					...hostFacts(connected.host),
					url: address.uri,
					ipAddress: address.ipAddress,
					hostTags,
					lastPinged: now,
					created: now,
				}),
				eventInsert(deps.db, now, caller, {
					type: "HOST.ADD",
					description: `Host ${name} (${address.uri}) added to cluster ${cluster.name} in zone ${zone.name}`,
					resourceType: "Host",
					resourceId: id,
					resourceName: name,
				}),
			]);
		} catch (error) {
			// The agent now watches a host D1 does not know: make it forget it again.
			await releaseHost(deps, zone.id, id);
			await refuseDuplicate(deps.db, zone, address.uri);
			throw error;
		}
		// CloudStack answers addHost with a list of the one new host.
		return { type: "list", name: "host", items: [await hostResponse(deps.db, id)], count: 1 };
	},
});

/** The cluster by id (in the pod) or by name within the pod; KVM hosts always belong to one. */
async function hostCluster(
	db: Db,
	podId: string,
	clusterId: string | undefined,
	clusterName: string | undefined,
): Promise<ClusterRow> {
	if (clusterId) return requireCluster(db, clusterId, podId);
	const name = clusterName?.trim() ?? "";
	if (name === "") {
		throw new CsError(ERROR.paramError, "A KVM host belongs to a cluster: give clusterid or clustername");
	}
	const row = await db
		.select()
		.from(clusters)
		.where(and(eq(clusters.podId, podId), eqNoCase(clusters.name, name)))
		.get();
	if (!row) {
		throw new CsError(ERROR.paramError, `No cluster named ${name} in pod ${podId}; create it with addCluster first`);
	}
	return row;
}

async function refuseDuplicate(db: Db, zone: { id: string; name: string }, uri: string): Promise<void> {
	const clash = await hostWithUrl(db, zone.id, uri);
	if (clash) {
		throw new CsError(ERROR.paramError, `Host ${clash.name} in zone ${zone.name} is already reached by ${uri}`);
	}
}
