import { HYPERVISOR_CAPABILITY_FIELDS, serializeHypervisorCapabilities } from "../../api/serializers/catalog";
import { KVM_CAPABILITIES } from "../../domain/os-types";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { containsText, pageOf } from "./page";

export const listHypervisorCapabilities = defineCommand({
	name: "listHypervisorCapabilities",
	description: "Lists all hypervisor capabilities: one fixed row for KVM (version default)",
	since: "3.0.0",
	access: "authenticated",
	authorized: ["Admin"],
	params: {
		id: p.uuid("ID of the hypervisor capability", { related: "listHypervisorCapabilities" }),
		hypervisor: p.string("the hypervisor for which to restrict the search"),
		...pagingParams,
	},
	responseFields: HYPERVISOR_CAPABILITY_FIELDS,
	related: ["listHypervisors"],
	async handle({ params, deps }) {
		const window = pageWindow(params, deps.settings);
		const rows = [KVM_CAPABILITIES].filter(
			(row) =>
				(params.id === undefined || row.id === params.id) &&
				(params.hypervisor === undefined || row.hypervisor.toLowerCase() === params.hypervisor.trim().toLowerCase()) &&
				(params.keyword === undefined || containsText(row.hypervisor, params.keyword)),
		);
		const { page, count } = pageOf(rows, window);
		return { type: "list", name: "hypervisorCapabilities", items: page.map(serializeHypervisorCapabilities), count };
	},
});
