import { NETWORK_OFFERING_FIELDS, serializeNetworkOffering } from "../../api/serializers/network-offering";
import { requireZone } from "../../db/repos/inventory";
import { NETWORK_OFFERINGS, type NetworkOffering } from "../../domain/network-offerings";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";

const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const listNetworkOfferings = defineCommand({
	name: "listNetworkOfferings",
	description: "Lists all available network offerings (the seeded shared-network catalog).",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("list network offerings by ID", { related: "listNetworkOfferings" }),
		name: p.string("list network offerings by name"),
		displaytext: p.string("list network offerings by display text"),
		traffictype: p.string("list by traffic type"),
		guestiptype: p.string("list network offerings by guest type: shared or isolated"),
		isdefault: p.boolean("true if need to list only default network offerings. Default value is false"),
		specifyvlan: p.boolean("the tags for the network offering."),
		specifyipranges: p.boolean("true if need to list only network offerings which support specifying ip ranges"),
		availability: p.string("the availability of network offering. Default value is required"),
		state: p.string("list network offerings by state"),
		forvpc: p.boolean("the network offering can be used only for network creation inside the VPC"),
		supportedservices: p.list("list network offerings supporting certain services"),
		zoneid: p.uuid(
			"list network offerings available for network creation in specific zone (none for a Basic zone, whose one guest network exists already)",
			{ related: "listZones" },
		),
		...pagingParams,
	},
	responseFields: NETWORK_OFFERING_FIELDS,
	related: ["createNetwork", "listNetworks"],
	async handle({ params, deps }) {
		const { limit, offset } = pageWindow(params, deps.settings);
		// CloudStack lists nothing for a basic zone: no network can be created there.
		const zone = params.zoneid ? await requireZone(deps.db, params.zoneid) : undefined;
		const keep = (o: NetworkOffering): boolean => {
			if (zone?.networkType === "Basic") return false;
			if (params.id && o.id !== params.id) return false;
			if (params.name && !sameText(o.name, params.name)) return false;
			if (params.displaytext && !sameText(o.displayText, params.displaytext)) return false;
			if (params.traffictype && !sameText(o.trafficType, params.traffictype)) return false;
			if (params.guestiptype && !sameText(o.guestIpType, params.guestiptype)) return false;
			if (params.isdefault !== undefined && o.isDefault !== params.isdefault) return false;
			if (params.specifyvlan !== undefined && o.specifyVlan !== params.specifyvlan) return false;
			if (params.specifyipranges !== undefined && o.specifyIpRanges !== params.specifyipranges) return false;
			if (params.availability && !sameText("Optional", params.availability)) return false;
			if (params.state && !sameText("Enabled", params.state)) return false;
			if (params.forvpc === true) return false;
			const services = o.services.map((s) => s.name.toLowerCase());
			if (params.supportedservices?.some((s) => !services.includes(s.toLowerCase()))) return false;
			if (params.keyword) {
				const word = params.keyword.toLowerCase();
				if (!o.name.toLowerCase().includes(word) && !o.displayText.toLowerCase().includes(word)) return false;
			}
			return true;
		};
		const matches = [...NETWORK_OFFERINGS]
			.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id))
			.filter(keep);
		const items = matches.slice(offset, offset + limit).map(serializeNetworkOffering);
		return { type: "list", name: "networkoffering", items, count: matches.length };
	},
});
