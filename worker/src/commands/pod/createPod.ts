import { POD_FIELDS, serializePods } from "../../api/serializers/pod";
import { eventInsert } from "../../db/events";
import { allocationState, type PodRow, requireZone } from "../../db/repos/inventory";
import { pods } from "../../db/schema";
import { newUuid } from "../../lib/ids";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { isUniqueViolation } from "../zone/zone-rules";
import { assertNoRangeOverlap, assertPodNameFree, podName, podNetwork } from "./pod-rules";

export const createPod = defineCommand({
	name: "createPod",
	description: "Creates a new Pod.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		name: p.string("the name of the Pod", { required: true }),
		zoneid: p.uuid("the Zone ID in which the Pod will be created", { required: true, related: "listZones" }),
		startip: p.string("the starting IP address for the Pod (needed: the pod's management range)"),
		endip: p.string("the ending IP address for the Pod (default: the last usable address of the subnet)"),
		netmask: p.string("the netmask for the Pod"),
		gateway: p.string("the gateway for the Pod"),
		allocationstate: p.string("Allocation state of this Pod for allocation of new resources (default Enabled)"),
	},
	responseFields: POD_FIELDS,
	related: ["listPods", "updatePod"],
	async handle({ params, deps, caller }) {
		const zone = await requireZone(deps.db, params.zoneid);
		const name = podName(params.name);
		const network = podNetwork(params);
		const row: PodRow = {
			id: newUuid(),
			zoneId: zone.id,
			name,
			...network,
			allocationState: allocationState(params.allocationstate, "Enabled"),
			created: deps.clock.now(),
		};
		await assertPodNameFree(deps.db, zone, name);
		await assertNoRangeOverlap(deps.db, zone, network);
		try {
			await deps.db.batch([
				deps.db.insert(pods).values(row),
				eventInsert(deps.db, row.created, caller, {
					type: "POD.CREATE",
					description: `Pod ${name} created in zone ${zone.name}`,
					resourceType: "Pod",
					resourceId: row.id,
					resourceName: name,
				}),
			]);
		} catch (error) {
			if (isUniqueViolation(error)) await assertPodNameFree(deps.db, zone, name);
			throw error;
		}
		const [value = {}] = await serializePods(deps.db, [row]);
		return { type: "object", name: "pod", value };
	},
});
