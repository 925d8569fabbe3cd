import { CsError, ERROR } from "../../api/errors";
import { HOST_FIELDS } from "../../api/serializers/host";
import { startJob } from "../../jobs/start";
import { HOST_MAINTENANCE_KIND, instancesOnHost } from "../../vms/host-maintenance";
import { defineCommand } from "../define";
import { p } from "../param-spec";
import { inMaintenance, moveResourceState } from "./host-state";
import { hostResponse, requireHost } from "./host-view";

export const prepareHostForMaintenance = defineCommand({
	name: "prepareHostForMaintenance",
	description: "Prepares a host for maintenance: no new instances are placed on it until cancelHostMaintenance",
	access: "authenticated",
	authorized: ["Admin"],
	async: {
		className: "org.apache.cloudstack.api.command.admin.host.PrepareForHostMaintenanceCmd",
		instanceType: "Host",
	},
	params: {
		id: p.uuid("the host ID", { required: true, related: "listHosts" }),
	},
	responseFields: HOST_FIELDS,
	related: ["cancelHostMaintenance", "listHosts"],
	async handle({ params, deps, caller }) {
		const host = await requireHost(deps.db, params.id);
		if (inMaintenance(host.resourceState)) {
			throw new CsError(
				ERROR.paramError,
				`Host ${host.name} is already in resource state ${host.resourceState}; cancel the maintenance first`,
			);
		}
		const now = deps.clock.now();
		await moveResourceState(deps.db, now, caller, host, host.resourceState, "PrepareForMaintenance", {
			type: "MAINT.PREPARE",
			description: `Maintenance for host ${host.name}`,
		});
		// Instances on the host are live-migrated away first (vms/host-maintenance.ts); an empty host
		// reaches Maintenance at once.
		if ((await instancesOnHost(deps.db, host.id)).length > 0) {
			const jobid = await startJob(deps, caller, {
				kind: HOST_MAINTENANCE_KIND,
				zoneId: host.zoneId,
				resource: `host:${host.id}`,
				cmd: "org.apache.cloudstack.api.command.admin.host.PrepareForHostMaintenanceCmd",
				instanceType: "Host",
				instanceId: host.id,
				payload: { hostId: host.id },
			});
			return { type: "job", jobid };
		}
		await moveResourceState(deps.db, now, caller, host, "PrepareForMaintenance", "Maintenance");
		return { type: "object", name: "host", value: await hostResponse(deps.db, host.id) };
	},
});
