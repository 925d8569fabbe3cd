import { HYPERVISOR_FIELDS } from "../../api/serializers/catalog";
import { requireZone } from "../../db/repos/inventory";
import { HYPERVISORS } from "../../domain/os-types";
import { defineCommand } from "../define";
import { p } from "../param-spec";

export const listHypervisors = defineCommand({
	name: "listHypervisors",
	description: "List hypervisors: this cloud runs KVM (libvirt) only, in every zone",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		zoneid: p.uuid("the zone id for listing hypervisors.", { related: "listZones" }),
	},
	responseFields: HYPERVISOR_FIELDS,
	related: ["listHypervisorCapabilities"],
	async handle({ params, deps }) {
		if (params.zoneid) await requireZone(deps.db, params.zoneid);
		const items = HYPERVISORS.map((name) => ({ name }));
		return { type: "list", name: "hypervisor", items, count: items.length };
	},
});
