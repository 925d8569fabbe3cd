import { CsError, ERROR } from "../../api/errors";
import { HOST_FIELDS } from "../../api/serializers/host";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { inMaintenance, moveResourceState } from "./host-state";
import { hostResponse, requireHost } from "./host-view";

export const cancelHostMaintenance = defineCommand({
	name: "cancelHostMaintenance",
	description: "Cancels host maintenance: the host is Enabled again and takes new instances",
	access: "authenticated",
	authorized: ["Admin"],
	async: {
		className: "org.apache.cloudstack.api.command.admin.host.CancelHostMaintenanceCmd",
		instanceType: "Host",
	},
	params: {
		id: p.uuid("the host ID", { required: true, related: "listHosts" }),
	},
	responseFields: HOST_FIELDS,
	related: ["prepareHostForMaintenance", "listHosts"],
	async handle({ params, deps, caller }) {
		const host = await requireHost(deps.db, params.id);
		if (!inMaintenance(host.resourceState)) {
			throw new CsError(
				ERROR.paramError,
				`Host ${host.name} is not in maintenance: its resource state is ${host.resourceState}`,
			);
		}
		await moveResourceState(deps.db, deps.clock.now(), caller, host, host.resourceState, "Enabled", {
			type: "MAINT.CANCEL",
			description: `Canceled maintenance for host ${host.name}`,
		});
		return { type: "object", name: "host", value: await hostResponse(deps.db, host.id) };
	},
});
