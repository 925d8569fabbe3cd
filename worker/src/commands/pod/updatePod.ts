import { eq } from "drizzle-orm";
import { POD_FIELDS, serializePods } from "../../api/serializers/pod";
import { eventInsert } from "../../db/events";
import { allocationState, type PodRow, requirePod, requireZone } from "../../db/repos/inventory";
import { pods } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { isUniqueViolation } from "../zone/zone-rules";
import { assertNoRangeOverlap, assertPodNameFree, networkOfPod, podName, podNetwork } from "./pod-rules";

export const updatePod = defineCommand({
	name: "updatePod",
	description: "Updates a Pod.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the Pod", { required: true, related: "listPods" }),
		name: p.string("the name of the Pod"),
		startip: p.string("the starting IP address for the Pod"),
		endip: p.string("the ending IP address for the Pod"),
		netmask: p.string("the netmask of the Pod"),
		gateway: p.string("the gateway for the Pod"),
		allocationstate: p.string("Allocation state of this cluster for allocation of new resources"),
	},
	responseFields: POD_FIELDS,
	related: ["listPods", "createPod"],
	async handle({ params, deps, caller }) {
		const pod = await requirePod(deps.db, params.id, undefined, "id");
		const zone = await requireZone(deps.db, pod.zoneId);
		const name = params.name === undefined ? pod.name : podName(params.name);
		const network = podNetwork(params, networkOfPod(pod));
		const row: PodRow = {
			...pod,
			name,
			...network,
			allocationState: allocationState(params.allocationstate, pod.allocationState as "Enabled" | "Disabled"),
		};
		if (name.toLowerCase() !== pod.name.toLowerCase()) await assertPodNameFree(deps.db, zone, name, pod.id);
		await assertNoRangeOverlap(deps.db, zone, network, pod.id);
		const { id, zoneId, created, ...changes } = row;
		try {
			await deps.db.batch([
				deps.db.update(pods).set(changes).where(eq(pods.id, id)),
				eventInsert(deps.db, deps.clock.now(), caller, {
					type: "POD.EDIT",
					description: `Pod ${name} updated`,
					resourceType: "Pod",
					resourceId: id,
					resourceName: name,
				}),
			]);
		} catch (error) {
			if (isUniqueViolation(error)) await assertPodNameFree(deps.db, zone, name, pod.id);
			throw error;
		}
		const [value = {}] = await serializePods(deps.db, [row]);
		return { type: "object", name: "pod", value };
	},
});
