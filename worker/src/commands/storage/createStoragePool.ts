import { eq } from "drizzle-orm";
import { CsError, ERROR } from "../../api/errors";
import { STORAGE_POOL_FIELDS } from "../../api/serializers/storage-pool";
import { eventInsert } from "../../db/events";
import { requireCluster, requirePod, requireZone } from "../../db/repos/inventory";
import { storagePools } from "../../db/schema";
import { normaliseStorageTags, parsePoolUrl } from "../../domain/storage";
import { newUuid } from "../../lib/ids";
import { logError } from "../../lib/log";
import { statNewStore } from "../../templates/usage";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { poolResponse, refuseDuplicateLocation, refuseDuplicateName } from "./pool-views";

/** Hypervisors whose hosts can share a zone-wide pool; this control plane runs KVM only. */
const ZONE_WIDE_HYPERVISORS = ["KVM"];

export const createStoragePool = defineCommand({
	name: "createStoragePool",
	description:
		"Creates a storage pool (primary storage) for a cluster, or for a whole zone with scope=zone (KVM); url nfs://server/path, SharedMountPoint://host/path or file://host/path",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("the name for the storage pool", { required: true }),
		url: p.string("the URL of the storage pool: nfs://server/path, SharedMountPoint://host/path or file://host/path", {
			required: true,
			length: 2048,
		}),
		zoneid: p.uuid("the Zone ID for the storage pool", { required: true, related: "listZones" }),
		podid: p.uuid("the Pod ID for the storage pool (required for scope cluster)", { related: "listPods" }),
		clusterid: p.uuid("the cluster ID for the storage pool (required for scope cluster)", {
			related: "listClusters",
		}),
		scope: p.string("the scope of the storage: cluster (default) or zone"),
		hypervisor: p.string(
			"hypervisor type of the hosts in zone that will be attached to this storage pool (KVM); required for scope zone",
		),
		tags: p.string("the tags for the storage pool, comma-separated"),
		provider: p.string("the storage provider name (DefaultPrimary, the only one)"),
		capacitybytes: p.long("bytes CloudStack can provision from this storage pool"),
		capacityiops: p.long("IOPS CloudStack can provision from this storage pool"),
		managed: p.boolean("whether the storage should be managed by CloudStack (false only: DefaultPrimary is unmanaged)"),
		details: p.map("the details for the storage pool (accepted and ignored)"),
		istagarule: p.boolean("whether the tags are a JS rule (false only)", { since: "4.17.0" }),
	},
	responseFields: STORAGE_POOL_FIELDS,
	related: ["listStoragePools", "updateStoragePool"],
	async handle({ params, deps, caller }) {
		const name = params.name.trim();
		if (name === "") throw new CsError(ERROR.paramError, "The storage pool name must not be empty");
		const location = parsePoolUrl(params.url);
		if ("error" in location) throw new CsError(ERROR.paramError, location.error);
		const provider = params.provider?.trim() || "DefaultPrimary";
		if (provider.toLowerCase() !== "defaultprimary") {
			throw new CsError(
				ERROR.paramError,
				`can't find storage provider: ${provider}; the only provider is DefaultPrimary`,
			);
		}
		if (params.managed) {
			throw new CsError(
				ERROR.paramError,
				"The DefaultPrimary provider does not support managed storage (managed=true)",
			);
		}
		if (params.istagarule) {
			throw new CsError(ERROR.paramError, "Storage tag rules (istagarule=true) are not supported; give plain tags");
		}
		for (const [param, value] of [
			["capacitybytes", params.capacitybytes],
			["capacityiops", params.capacityiops],
		] as const) {
			if (value !== undefined && value < 0) throw new CsError(ERROR.paramError, `${param} must not be negative`);
		}
		const scope = (params.scope?.trim() || "cluster").toUpperCase();
		if (scope !== "CLUSTER" && scope !== "ZONE") {
			throw new CsError(ERROR.paramError, `invalid scope for pool ${params.scope}: use cluster or zone`);
		}

		const zone = await requireZone(deps.db, params.zoneid);
		let podId: string | null = null;
		let clusterId: string | null = null;
		let hypervisor: string;
		if (scope === "CLUSTER") {
			if (!params.clusterid) {
				throw new CsError(
					ERROR.paramError,
					"Cluster id can not be null, if scope is cluster: give clusterid and podid",
				);
			}
			if (!params.podid) throw new CsError(ERROR.paramError, "Cluster id requires pod id: give podid too");
			const pod = await requirePod(deps.db, params.podid, zone.id);
			const cluster = await requireCluster(deps.db, params.clusterid, pod.id);
			podId = pod.id;
			clusterId = cluster.id;
			// CloudStack takes a cluster-scoped pool's hypervisor from its cluster.
			hypervisor = cluster.hypervisor;
		} else {
			if (params.podid || params.clusterid) {
				throw new CsError(
					ERROR.paramError,
					"podid and clusterid apply to cluster-scoped pools only; omit them with scope=zone",
				);
			}
			if (!params.hypervisor) {
				throw new CsError(
					ERROR.paramError,
					"Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage.",
				);
			}
			const chosen = ZONE_WIDE_HYPERVISORS.find((h) => h.toLowerCase() === params.hypervisor?.trim().toLowerCase());
			if (!chosen) {
				throw new CsError(
					ERROR.paramError,
					`zone wide storage pool is not supported for hypervisor type ${params.hypervisor}`,
				);
			}
			hypervisor = chosen;
		}
		await refuseDuplicateName(deps.db, zone.id, name);
		await refuseDuplicateLocation(deps.db, zone.id, location);

		const id = newUuid();
		const now = deps.clock.now();
		await deps.db.batch([
			deps.db.insert(storagePools).values({
				id,
				name,
				zoneId: zone.id,
				podId,
				clusterId,
				scope,
				type: location.type,
				host: location.host,
				path: location.path,
				url: location.url,
				provider: "DefaultPrimary",
				hypervisor,
				state: "Up",
				capacityBytes: params.capacitybytes ?? 0,
				capacityIops: params.capacityiops ?? null,
				tags: normaliseStorageTags((params.tags ?? "").split(",")),
				created: now,
			}),
			eventInsert(deps.db, now, caller, {
				type: "STORAGE.POOL.CREATE",
				description: `Created storage pool ${name} (${location.url}) in zone ${zone.name}`,
				resourceType: "StoragePool",
				resourceId: id,
				resourceName: name,
			}),
		]);
		// The first stat, so the answer shows the pool's real capacity (never fails the command).
		const pool = await deps.db.select().from(storagePools).where(eq(storagePools.id, id)).get();
		if (pool) {
			await statNewStore(deps, zone.id, { target: "pool", row: pool }).catch((error) =>
				logError(`relay:${zone.id}`, "first stat of a new storage pool", error),
			);
		}
		return { type: "object", name: "storagepool", value: await poolResponse(deps.db, id) };
	},
});
