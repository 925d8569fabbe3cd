/** @module network offering (the seeded catalog) → CloudStack `networkoffering` response. */
import type { FieldTable } from "../../commands/types";
import type { NetworkOffering } from "../../domain/network-offerings";
import { compact, csDate } from "./format";

export const NETWORK_OFFERING_FIELDS = {
	id: ["string", "the id of the network offering"],
	name: ["string", "the name of the network offering"],
	displaytext: ["string", "an alternate display text of the network offering."],
	traffictype: [
		"string",
		"the traffic type for the network offering, supported types are Public, Management, Control, Guest, Vlan or Storage.",
	],
	guestiptype: ["string", "guest type of the network offering, can be Shared or Isolated"],
	isdefault: ["boolean", "true if network offering is default, false otherwise"],
	specifyvlan: ["boolean", "true if network offering supports vlans, false otherwise"],
	specifyipranges: ["boolean", "true if network offering supports specifying ip ranges, false otherwise"],
	conservemode: ["boolean", "true if network offering is ip conserve mode enabled"],
	availability: ["string", "availability of the network offering"],
	state: ["string", "state of the network offering. Can be Disabled/Enabled/Inactive"],
	forvpc: ["boolean", "true if network offering can be used by VPC networks only"],
	ispersistent: ["boolean", "true if network offering supports persistent networks"],
	service: ["list", "the list of supported services"],
	created: ["date", "the date this network offering was created"],
} as const satisfies FieldTable;

/** The `service` entries CloudStack nests in offerings and networks: name + its providers. */
export function offeringServices(offering: NetworkOffering): Record<string, unknown>[] {
	return offering.services.map((s) => ({ name: s.name, provider: [{ name: s.provider }] }));
}

export function serializeNetworkOffering(offering: NetworkOffering): Record<string, unknown> {
	return compact({
		id: offering.id,
		name: offering.name,
		displaytext: offering.displayText,
		traffictype: offering.trafficType,
		guestiptype: offering.guestIpType,
		isdefault: offering.isDefault,
		specifyvlan: offering.specifyVlan,
		specifyipranges: offering.specifyIpRanges,
		// Shared offerings have no source NAT to conserve, and CloudStack shows them with it on.
		conservemode: true,
		availability: "Optional",
		state: "Enabled",
		forvpc: false,
		ispersistent: false,
		service: offeringServices(offering),
		created: csDate(offering.created),
	} satisfies Record<keyof typeof NETWORK_OFFERING_FIELDS, unknown>);
}
