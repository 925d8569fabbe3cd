import { eq } from "drizzle-orm";
import { eventInsert } from "../../db/events";
import { describeBlockers, requirePod, resourceInUse } from "../../db/repos/inventory";
import { deleteTagsOf } from "../../db/repos/tags";
import { clusters, pods, vlanIpRanges } from "../../db/schema";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const deletePod = defineCommand({
	name: "deletePod",
	description: "Deletes a Pod.",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("the ID of the Pod", { required: true, related: "listPods" }),
	},
	responseFields: {
		success: ["boolean", "true if operation is executed successfully"],
		displaytext: ["string", "any text associated with the success or failure"],
	},
	related: ["createPod", "listPods"],
	async handle({ params, deps, caller }) {
		const pod = await requirePod(deps.db, params.id, undefined, "id");
		// Clusters (and the hosts and pools in them) and the pod's guest IP ranges must go first.
		const [clusterRows, rangeRows] = await Promise.all([
			deps.db
				.select({ name: clusters.name })
				.from(clusters)
				.where(eq(clusters.podId, pod.id))
				.orderBy(clusters.created, clusters.id),
			deps.db
				.select({ start: vlanIpRanges.startIp, end: vlanIpRanges.endIp })
				.from(vlanIpRanges)
				.where(eq(vlanIpRanges.podId, pod.id)),
		]);
		const blockers = [
			clusterRows.length
				? describeBlockers(
						"cluster",
						clusterRows.map((r) => r.name),
					)
				: "",
			rangeRows.length
				? describeBlockers(
						"guest IP range",
						rangeRows.map((r) => `${r.start}-${r.end}`),
					)
				: "",
		].filter((text) => text !== "");
		if (blockers.length > 0) {
			throw resourceInUse(`The pod ${pod.name} cannot be deleted because it has ${blockers.join(", ")}`);
		}
		await deps.db.batch([
			deps.db.delete(pods).where(eq(pods.id, pod.id)),
			deleteTagsOf(deps.db, "Pod", pod.id),
			eventInsert(deps.db, deps.clock.now(), caller, {
				type: "POD.DELETE",
				description: `Pod ${pod.name} deleted`,
				resourceType: "Pod",
				resourceId: pod.id,
				resourceName: pod.name,
			}),
		]);
		return { type: "success" };
	},
});
