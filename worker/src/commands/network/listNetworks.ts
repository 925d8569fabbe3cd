import { and, eq, like, not, or, type SQL, sql } from "drizzle-orm";
import { hasFreeGuestIp, NETWORK_FIELDS, serializeNetworks } from "../../api/serializers/network";
import { listPage } from "../../db/repos/list-page";
import { tagFilter } from "../../db/repos/tags";
import { networks } from "../../db/schema";
import { eqNoCase } from "../../db/text-match";
import { defineCommand } from "../define";
import { pageWindow, pagingParams } from "../list-params";
import { p } from "../param-spec";
import { normaliseVlan } from "./ip-range";
import { networkVisibility } from "./network-access";

/** Case-insensitive equality, as CloudStack's string filters compare. */
const NOTHING = sql`0`;

export const listNetworks = defineCommand({
	name: "listNetworks",
	description: "Lists all available networks.",
	access: "authenticated",
	authorized: ["Admin", "ResourceAdmin", "DomainAdmin", "User"],
	params: {
		id: p.uuid("list networks by ID", { related: "listNetworks" }),
		name: p.string("list networks by name", { since: "4.22.0" }),
		zoneid: p.uuid("the zone ID of the network", { related: "listZones" }),
		type: p.string("the type of the network. Supported values are: isolated, l2, shared and all"),
		issystem: p.boolean("true if network is system, false otherwise"),
		acltype: p.string("list networks by ACL (access control list) type. Supported values are account and domain"),
		traffictype: p.string("type of the traffic"),
		networkofferingid: p.uuid("list networks by network offering ID", { related: "listNetworkOfferings" }),
		specifyipranges: p.boolean("true if need to list only networks which support specifying IP ranges"),
		canusefordeploy: p.boolean("list networks available for VM deployment (with a free guest IP address)"),
		restartrequired: p.boolean("list networks by restartRequired"),
		forvpc: p.boolean("the network belongs to VPC"),
		vpcid: p.uuid("List networks by VPC"),
		vlan: p.string("the vlan of the network (ROOT admins only)", { since: "4.17.0" }),
		tags: p.map("List resources by tags (key/value pairs)"),
		listall: p.boolean(
			"If set to false, list only resources belonging to the command's caller; if set to true - list resources that the caller is authorized to see. Default value is false",
		),
		domainid: p.uuid("list only resources belonging to the domain specified", { related: "listDomains" }),
		isrecursive: p.boolean(
			"defaults to false, but if true, lists all resources from the parent specified by the domainId till leaves.",
		),
		account: p.string("list resources by account. Must be used with the domainId parameter."),
		...pagingParams,
	},
	responseFields: NETWORK_FIELDS,
	related: ["createNetwork"],
	async handle({ params, deps, caller }) {
		const window = pageWindow(params, deps.settings);
		const full = caller.roleType === "Admin";
		// Asking for one id looks through everything the caller may see, as CloudStack's lists do.
		const scope = { ...params, listall: params.listall || params.id !== undefined };
		const filters: (SQL | undefined)[] = [await networkVisibility(deps.db, caller, scope)];
		if (params.id) filters.push(eq(networks.id, params.id));
		if (params.name) filters.push(eqNoCase(networks.name, params.name));
		if (params.zoneid) filters.push(eq(networks.zoneId, params.zoneid));
		if (params.type && params.type.toLowerCase() !== "all") filters.push(eqNoCase(networks.guestType, params.type));
		if (params.acltype) filters.push(eqNoCase(networks.aclType, params.acltype));
		if (params.traffictype) filters.push(eqNoCase(networks.trafficType, params.traffictype));
		if (params.networkofferingid) filters.push(eq(networks.networkOfferingId, params.networkofferingid));
		// Nothing here is a system network, needs a restart, belongs to a VPC or lacks IP ranges.
		if (params.issystem === true || params.restartrequired === true || params.forvpc === true || params.vpcid) {
			filters.push(NOTHING);
		}
		if (params.specifyipranges === false) filters.push(NOTHING);
		if (params.canusefordeploy !== undefined) {
			filters.push(params.canusefordeploy ? hasFreeGuestIp() : not(hasFreeGuestIp()));
		}
		if (params.vlan && full) filters.push(eq(networks.vlan, normaliseVlan(params.vlan) ?? ""));
		if (params.keyword) {
			const pattern = `%${params.keyword}%`;
			filters.push(or(like(networks.name, pattern), like(networks.displayText, pattern)));
		}
		filters.push(tagFilter(deps.db, "Network", networks.id, params.tags));
		const { rows, count } = await listPage(deps.db, networks, and(...filters), [networks.created, networks.id], window);
		const items = await serializeNetworks(deps.db, rows, { full });
		return { type: "list", name: "network", items, count };
	},
});
